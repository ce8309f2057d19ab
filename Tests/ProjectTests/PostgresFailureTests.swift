import Foundation
import PostgresTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A service whose records live on a PostgreSQL table, the commands that reach it, and the
/// table as `psql` sees it, over a connection of its own.
struct PostgresFixture {
  let project: ProjectRunner
  let server: PostgresTestServer
  let table: String
  /// The variables that lead the binary (and psql) to `server`.
  let environment: [String: String]

  /// Every command that reaches the server: each write, and a read.
  static let commands: [[String]] = [
    ["svc", "example", "add", "--name", "added", "--backend", "postgres"],
    ["svc", "example", "update", "seed-2", "--set", "count=9", "--backend", "postgres"],
    ["svc", "example", "delete", "seed-3", "--backend", "postgres"],
    ["svc", "example", "import", "--from", "small.ndjson", "--target", "postgres"],
    ["svc", "example", "list", "-o", "json", "--backend", "postgres"],
  ]

  /// The service's table on `server`, holding `seed-1` … `seed-3`.
  init(server: PostgresTestServer) throws {
    self.server = server
    table = PostgresTestServer.uniqueTable()
    environment = server.environment
    project = try ProjectRunner(
      manifest: Manifests.example + """
            stores:
              postgres: { table: \(table) }
        postgres: { url: "postgresql:///project_test" }

        """)
    try project.write(
      (1...3).map { #"{"id": "seed-\#($0)", "name": "seed \#($0)", "count": \#($0)}"# }.joined(separator: "\n") + "\n",
      to: "seed.ndjson")
    try project.write(#"{"id": "new-1", "name": "new 1"}"# + "\n", to: "small.ndjson")
    try project.succeed(
      ["svc", "example", "import", "--from", "seed.ndjson", "--target", "postgres"], environment: environment)
  }

  /// Every row of the table, exactly as stored, one a line, read by psql.
  func rows(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let result = try project.tool(
      "/usr/bin/psql",
      [
        "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c",
        "SELECT id, data::text, created_at, updated_at FROM public.\(table) ORDER BY id",
      ], environment: environment)
    try #require(result.status == 0, "psql: \(result)", sourceLocation: sourceLocation)
    return result.stdout
  }

  /// Runs `command` with `changes` to the environment.
  func run(_ command: [String], _ changes: [String: String] = [:]) throws -> RunResult {
    try project.run(command, environment: environment.merging(changes) { $1 })
  }

  /// Every command fails with exit 1 and this one line, and the table holds what it held.
  func expectEveryCommandFails(
    _ changes: [String: String], commands: [[String]] = Self.commands, with line: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let before = try rows(sourceLocation: sourceLocation)
    for command in commands {
      expectFailure(try run(command, changes), exitCode: 1, stderr: line, sourceLocation: sourceLocation)
    }
    #expect(try rows(sourceLocation: sourceLocation) == before, sourceLocation: sourceLocation)
  }

  /// The table's rows in short, read by the superuser (whom no role setting limits): how many,
  /// and a digest of every row as stored.
  func digest(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    try server.superuserSQL(
      "SELECT count(*), md5(string_agg(id || ' ' || data::text || ' ' || created_at || ' ' || updated_at, ',' ORDER BY id)) FROM public.\(table)"
    )
  }

  /// Starts `command` with stderr to a file, returns the process and a way to read that file.
  func start(_ command: [String]) throws -> (Process, stderr: () -> String) {
    let path = project.root.appendingPathComponent("started-\(UUID().uuidString).stderr").path
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    let process = try project.start(ProjectRunner.binary, command, environment: environment, stderr: handle)
    return (process, { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" })
  }

  /// Waits until this role's session on the server has started a COPY (the import's rows are
  /// on their way, inside its transaction), polling `pg_stat_activity`; fails when `process`
  /// ended first.
  func waitForCopy(of process: Process, sourceLocation: SourceLocation = #_sourceLocation) throws {
    while true {
      let copying = try server.superuserSQL(
        "SELECT count(*) FROM pg_stat_activity WHERE usename = 'project_test' AND query LIKE 'COPY%'")
      if copying.trimmingCharacters(in: .whitespacesAndNewlines) != "0" { return }
      try #require(process.isRunning, "the import ended before its COPY was seen", sourceLocation: sourceLocation)
      usleep(20_000)
    }
  }

  /// `count` records `big-0` … for a long import.
  func writeBigInput(_ count: Int, to name: String) throws {
    var text = ""
    text.reserveCapacity(count * 64)
    for i in 0..<count { text += #"{"id": "big-\#(i)", "name": "big record \#(i)", "count": \#(i % 100)}"# + "\n" }
    try project.write(text, to: name)
  }
}

/// The PostgreSQL backend when its server fails: refused, unreachable, restarted or stopped in
/// the middle of a command, cancelling a statement, or its socket failing under libfiu and
/// strace. Each ends in exit 1 and one sentence naming the server and the cause, and the table
/// holds exactly what it held (or, for a lost COMMIT, what the server says it applied).
@Suite struct PostgresFailureTests {
  @Test func aWrongPortIsRefusedByEveryCommandNamingHostAndPort() throws {
    let fixture = try PostgresFixture(server: try PostgresTestServer.shared())
    let closed = try LocalPort.closed()
    defer { withExtendedLifetime(closed) {} }
    try fixture.expectEveryCommandFails(
      ["PGPORT": String(closed.port)], with: "project: postgres://127.0.0.1:\(closed.port): connection refused")
  }

  @Test func aWrongPasswordFailsEveryCommandWithTheServersMessage() throws {
    let server = try PostgresTestServer.shared()
    let fixture = try PostgresFixture(server: server)
    try fixture.expectEveryCommandFails(
      ["PGPASSWORD": "not the password"],
      with: "project: postgres://127.0.0.1:\(server.port): password authentication failed for user \"project_test\"")
  }

  @Test func verifyFullRefusesACertificateTheGivenCADidNotSign() throws {
    let server = try PostgresTestServer.shared()
    let fixture = try PostgresFixture(server: server)
    let other = fixture.project.root.appendingPathComponent("other")
    let made = try fixture.project.tool(
      "/usr/bin/openssl",
      [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=another CA", "-keyout",
        other.path + ".key", "-out", other.path + ".crt",
      ])
    try #require(made.status == 0, "\(made)")
    try fixture.expectEveryCommandFails(
      ["PGSSLROOTCERT": other.path + ".crt"],
      with:
        "project: postgres://127.0.0.1:\(server.port): the server's certificate is refused: unable to get local issuer certificate"
    )
  }

  @Test func requireRefusesAServerWithTLSTurnedOff() throws {
    let server = try PostgresTestServer.own()
    defer { server.remove() }
    let fixture = try PostgresFixture(server: server)
    _ = try server.superuserSQL("ALTER SYSTEM SET ssl = off")
    try server.server("restart")
    // psql, which checks the table, goes without TLS.
    let plain = fixture.environment.merging(["PGSSLMODE": "disable"]) { $1 }
    let before = try fixture.project.tool(
      "/usr/bin/psql", ["-X", "-A", "-t", "-c", "SELECT count(*) FROM public.\(fixture.table)"], environment: plain)
    #expect(before.stdout == "3\n", "\(before)")
    for command in PostgresFixture.commands {
      expectFailure(
        try fixture.run(command, ["PGSSLMODE": "require"]), exitCode: 1,
        stderr:
          "project: postgres://127.0.0.1:\(server.port): the server does not accept TLS, which sslmode=require requires"
      )
    }
    let after = try fixture.project.tool(
      "/usr/bin/psql", ["-X", "-A", "-t", "-c", "SELECT count(*) FROM public.\(fixture.table)"], environment: plain)
    #expect(after.stdout == "3\n", "\(after)")
  }

  /// A port whose listen backlog is full: the kernel drops the SYN and the connect waits for
  /// `PGCONNECT_TIMEOUT` (the 10 s default is `PostgresConnectionSettingsTests.withNothingGivenTheDefaultsAreLibpqs`).
  @Test func aConnectThatGetsNoAnswerEndsAtTheConnectTimeout() throws {
    let fixture = try PostgresFixture(server: try PostgresTestServer.shared())
    let unanswered = try LocalPort.unanswered()
    defer { withExtendedLifetime(unanswered) {} }
    try fixture.expectEveryCommandFails(
      ["PGPORT": String(unanswered.port), "PGCONNECT_TIMEOUT": "2"],
      commands: [PostgresFixture.commands[0], PostgresFixture.commands[4]],
      with: "project: postgres://127.0.0.1:\(unanswered.port): connection timed out after 2 s")
  }

  /// A 200,000-record import whose server restarts (a fast shutdown, then a start) or stops
  /// (fast: backends told to end; immediate: killed at once, after a notice of why) once its
  /// COPY is under way: exit 1, the server's reason in one sentence, and the COPY's transaction
  /// never committed. While the server is down, every command is refused; started again, the
  /// table holds what it held.
  @Test(arguments: [
    ("restart", "terminating connection due to administrator command"),
    ("stop", "terminating connection due to administrator command"),
    ("stop-immediate", "terminating connection due to immediate shutdown command"),
  ])
  func anImportWhoseServerRestartsOrStopsMidCopyWritesNothingAndAStoppedServerRefusesEveryCommand(
    action: String, cause: String
  ) throws {
    let server = try PostgresTestServer.own()
    defer { server.remove() }
    let fixture = try PostgresFixture(server: server)
    try fixture.writeBigInput(200_000, to: "big.ndjson")
    let before = try fixture.rows()
    let (process, stderr) = try fixture.start([
      "svc", "example", "import", "--from", "big.ndjson", "--target", "postgres",
    ])
    try fixture.waitForCopy(of: process)
    try server.server(action)
    process.waitUntilExit()
    #expect(process.terminationStatus == 1 && process.terminationReason == .exit, "\(stderr())")
    // An immediate shutdown kills the session's process: its notice of why goes out first, but
    // may be lost with the connection; either way the sentence names the server.
    let causes = action == "stop-immediate" ? [cause, "the server closed the connection"] : [cause]
    #expect(
      causes.map { "project: postgres://127.0.0.1:\(server.port): \($0)\n" }.contains(stderr()), "\(stderr())")
    if action != "restart" {
      for command in PostgresFixture.commands {
        expectFailure(
          try fixture.run(command), exitCode: 1,
          stderr: "project: postgres://127.0.0.1:\(server.port): connection refused")
      }
      try server.server("start")
    }
    #expect(try fixture.rows() == before)
  }

  /// `statement_timeout` set for the role: a sorted list of 200,000 records and an import of as
  /// many more are cancelled with the server's message, and the import wrote nothing.
  @Test func aStatementTimeoutCancelsAListAndAnImportWhichWritesNothing() throws {
    let server = try PostgresTestServer.own()
    defer { server.remove() }
    let fixture = try PostgresFixture(server: server)
    try fixture.writeBigInput(200_000, to: "big.ndjson")
    try fixture.project.succeed(
      ["svc", "example", "import", "--from", "big.ndjson", "--target", "postgres"], environment: fixture.environment)
    try fixture.project.write(
      (0..<200_000).map { #"{"id": "more-\#($0)", "name": "more \#($0)"}"# }.joined(separator: "\n") + "\n",
      to: "more.ndjson")
    _ = try server.superuserSQL("ALTER ROLE project_test SET statement_timeout = '50ms'")
    let before = try fixture.digest()
    #expect(before.hasPrefix("200003|"), "\(before)")
    let cancelled = "project: postgres://127.0.0.1:\(server.port): canceling statement due to statement timeout"
    for command in [
      ["svc", "example", "list", "--sort", "name:desc", "-o", "json", "--backend", "postgres"],
      ["svc", "example", "import", "--from", "more.ndjson", "--target", "postgres"],
    ] {
      expectFailure(try fixture.run(command), exitCode: 1, stderr: cancelled)
    }
    #expect(try fixture.digest() == before)
  }

  // MARK: Socket faults

  /// libfiu (`fiu-run -x`, as `FaultInjectionTests` runs it) failing every `connect` (with
  /// ENETUNREACH, which nothing else here gives) and every `send` (ECONNRESET: the first is the
  /// request for TLS). The binary reads its socket with `read` and never calls `recv`; the C
  /// library's `read` and `write` also read the manifest and write stderr, so those faults are
  /// strace's, on the socket alone (`everySocketCallFailingInTurn…`).
  @Test(arguments: [
    ("posix/io/net/connect", 101, "network is unreachable"),
    ("posix/io/net/send", 104, "connection reset by peer"),
  ])
  func libfiuSocketFaultsFailEveryCommandWritingNothing(point: String, errno: Int, cause: String) throws {
    let server = try PostgresTestServer.shared()
    let fixture = try PostgresFixture(server: server)
    let before = try fixture.rows()
    for command in PostgresFixture.commands {
      var result = try fixture.project.tool(
        fiuRunPath, ["-x", "-c", "enable name=\(point),failinfo=\(errno)", ProjectRunner.binary] + command,
        environment: fixture.environment)
      result.arguments = command
      // The cause is the injected errno's: the fault fired.
      expectFailure(result, exitCode: 1, stderr: "project: postgres://127.0.0.1:\(server.port): \(cause)")
    }
    #expect(try fixture.rows() == before)
  }

  /// The numbers (strace's `when=`) of the main thread's calls of `name` on the TCP socket.
  static func socketCalls(_ name: String, in calls: [TracedCall]) -> [Int] {
    let main = calls.first?.pid
    var socket: Int?
    var count = 0
    var found: [Int] = []
    for call in calls where call.pid == main {
      if call.name == "socket" && call.arguments.hasPrefix("AF_INET") { socket = call.result }
      if call.name == name {
        count += 1
        if let socket, call.fd == socket { found.append(count) }
      }
      if call.name == "close" && call.fd == socket { socket = nil }
    }
    return found
  }

  static let socketCallNames = ["read", "write", "sendto"]

  /// The table's rows as `PostgresFixture.rows` gives them, without the timestamps, and with
  /// `*` for an id `add` made: what a run leaves, comparable with another run's.
  static func withoutTimesAndNewIDs(_ rows: String) -> String {
    rows.split(separator: "\n").map { line in
      let parts = line.split(separator: "|", omittingEmptySubsequences: false)
      let id = String(parts.first ?? "")
      return (id.hasPrefix("seed-") || id.hasPrefix("new-") ? id : "*") + "|" + String(parts.dropFirst().first ?? "")
    }.joined(separator: "\n")
  }

  /// Each command with its socket's `read`, `write` (TLS records) and `sendto` (the TLS
  /// request) failing with ECONNRESET, one call at a time: the first, the middle and the last
  /// of each. Every run fails with one sentence naming the server and the socket's error, and
  /// leaves the table as it was, except where the fault hit the answer to COMMIT: then the
  /// sentence says that the server may or may not have applied the change, and it has.
  @Test(arguments: PostgresFixture.commands)
  func everySocketCallFailingInTurnFailsInOneSentenceWritingNothing(command: [String]) throws {
    let server = try PostgresTestServer.shared()
    let fixture = try PostgresFixture(server: server)
    let psql = { (sql: String) throws in
      let result = try fixture.project.tool(
        "/usr/bin/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], environment: fixture.environment)
      try #require(result.status == 0, "\(result)")
    }
    let table = "public.\(fixture.table)"
    // The table as it was before the clean run, put back before each run.
    try psql("CREATE TABLE \(table)_seed AS SELECT * FROM \(table)")
    let reset = { () throws in
      try psql("BEGIN; TRUNCATE \(table); INSERT INTO \(table) SELECT * FROM \(table)_seed; COMMIT")
    }
    let calls = ["socket", "close"] + Self.socketCallNames
    let (clean, traced, _) = try fixture.project.traced(
      command, calls: calls, environment: fixture.environment, fixedLayout: true)
    try #require(clean.status == 0, "\(clean)")
    let after = Self.withoutTimesAndNewIDs(try fixture.rows())
    try reset()
    let before = try fixture.rows()
    let endpoint = "project: postgres://127.0.0.1:\(server.port): "
    let causes = ["", "TLS handshake failed: ", "TLS read failed: ", "TLS write failed: "].map {
      $0 + "connection reset by peer"
    }
    let uncertain = " while committing; the server may or may not have applied the change"
    var faults = 0
    for name in Self.socketCallNames {
      for occurrence in FaultInjectionTests.sample(Self.socketCalls(name, in: traced), limit: 3) {
        let fault = Fault.failCall(name, occurrence: occurrence, errno: "ECONNRESET")
        let (result, log, _) = try fixture.project.traced(
          command, calls: [name, "socket", "close"], fault: fault, environment: fixture.environment, fixedLayout: true)
        let how = "\(command) under \(fault): \(result)"
        let injected = log.first { $0.line.contains("(INJECTED)") }
        #expect(injected != nil, "the fault did not fire: \(how)")
        #expect(
          Self.socketCalls(name, in: log).contains(occurrence),
          "the fault missed the socket: \(how)\n\(injected?.line ?? "")")
        faults += 1
        if result.status == 0 && name == "write" && occurrence == Self.socketCalls(name, in: traced).last {
          // The last write is the Terminate the connection sends as the process ends, after
          // the change was acknowledged; its failure changes nothing.
          #expect(Self.withoutTimesAndNewIDs(try fixture.rows()) == after, "\(how)")
          try reset()
          continue
        }
        let line = result.stderrLines.first ?? ""
        let committing = line.hasSuffix(uncertain)
        let cause = String(line.dropFirst(endpoint.count).dropLast(committing ? uncertain.count : 0))
        expectFailure(result, exitCode: 1, stderr: [line])
        #expect(line.hasPrefix(endpoint) && causes.contains(cause), "\(how)")
        let rows = try fixture.rows()
        if committing && command[2] != "list" {
          #expect(rows == before || Self.withoutTimesAndNewIDs(rows) == after, "\(how)\n\(rows)")
        } else {
          #expect(rows == before, "\(how)\n\(rows)")
        }
        try reset()
      }
    }
    #expect(faults >= 6, "too few socket calls found in \(traced)")
  }

  /// `add` whose connection fails as it waits for the answer to COMMIT (its last read on the
  /// socket): nobody can know whether the server applied the change, and the sentence says
  /// so; here the server had, and the table holds the record.
  @Test func aConnectionLostWaitingForTheAnswerToCommitSaysTheChangeMayOrMayNotHaveBeenApplied() throws {
    let server = try PostgresTestServer.shared()
    let fixture = try PostgresFixture(server: server)
    let command = PostgresFixture.commands[0]
    let (_, traced, _) = try fixture.project.traced(
      ["svc", "example", "add", "--name", "first", "--backend", "postgres"], calls: ["read", "socket", "close"],
      environment: fixture.environment, fixedLayout: true)
    let last = try #require(Self.socketCalls("read", in: traced).last)
    let (result, log, _) = try fixture.project.traced(
      command, calls: ["read", "socket", "close"], fault: .failCall("read", occurrence: last, errno: "ECONNRESET"),
      environment: fixture.environment, fixedLayout: true)
    #expect(
      Self.socketCalls("read", in: log).last == last
        && log.last { $0.name == "read" }?.line.contains("(INJECTED)") == true)
    expectFailure(
      result, exitCode: 1,
      stderr:
        "project: postgres://127.0.0.1:\(server.port): TLS read failed: connection reset by peer while committing; the server may or may not have applied the change"
    )
    let rows = try fixture.rows()
    #expect(rows.contains(#"{"name":"added","count":0,"status":"active","tags":[]}"#), "\(rows)")
  }
}
