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
    FileManager.default.createFile(atPath: path, contents: nil)
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
          "project: postgres://127.0.0.1:\(server.port): the server does not accept TLS, which sslmode=require requires")
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

  /// A 200,000-record import whose server restarts (a fast shutdown, then a start) once its
  /// COPY is under way: exit 1, one sentence, and the COPY's transaction never committed.
  @Test func anImportWhoseServerRestartsMidCopyFailsAndWritesNothing() throws {
    let server = try PostgresTestServer.own()
    defer { server.remove() }
    let fixture = try PostgresFixture(server: server)
    try fixture.writeBigInput(200_000, to: "big.ndjson")
    let before = try fixture.rows()
    let (process, stderr) = try fixture.start(["svc", "example", "import", "--from", "big.ndjson", "--target", "postgres"])
    try fixture.waitForCopy(of: process)
    try server.server("restart")
    process.waitUntilExit()
    #expect(process.terminationStatus == 1 && process.terminationReason == .exit, "\(stderr())")
    #expect(stderr() == "project: postgres://127.0.0.1:\(server.port): terminating connection due to administrator command\n")
    #expect(try fixture.rows() == before)
  }

  /// The same import when the server stops (fast: backends told to end; immediate: killed at
  /// once, after a notice of why) mid-COPY; then, with the server down, every command is
  /// refused; started again, the table holds what it held.
  @Test(arguments: [
    ("stop", "terminating connection due to administrator command"),
    ("stop-immediate", "terminating connection due to immediate shutdown command"),
  ])
  func anImportWhoseServerStopsMidCopyWritesNothingAndTheStoppedServerRefusesEveryCommand(
    stop: String, cause: String
  ) throws {
    let server = try PostgresTestServer.own()
    defer { server.remove() }
    let fixture = try PostgresFixture(server: server)
    try fixture.writeBigInput(200_000, to: "big.ndjson")
    let before = try fixture.rows()
    let (process, stderr) = try fixture.start(["svc", "example", "import", "--from", "big.ndjson", "--target", "postgres"])
    try fixture.waitForCopy(of: process)
    try server.server(stop)
    process.waitUntilExit()
    #expect(process.terminationStatus == 1 && process.terminationReason == .exit, "\(stderr())")
    #expect(stderr() == "project: postgres://127.0.0.1:\(server.port): \(cause)\n")
    for command in PostgresFixture.commands {
      expectFailure(
        try fixture.run(command), exitCode: 1, stderr: "project: postgres://127.0.0.1:\(server.port): connection refused")
    }
    try server.server("start")
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
}
