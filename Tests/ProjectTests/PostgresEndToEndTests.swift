import Foundation
import PostgresTestSupport
import Testing

/// The binary on a real PostgreSQL server: imports in every format and conflict policy,
/// `services` and `check --data`, concurrent writers, a lossless round trip through SQLite,
/// and how the manifest and the environment name the server.
@Suite struct PostgresEndToEndTests {
  static let stamp = "2026-01-01T00:00:00.000Z"

  /// Two records under ids `a` and `b`, in the store shape.
  static let incoming = """
    {
      "a": {"id": "a", "name": "new", "count": 2, "status": "active", "tags": ["x"], "created_at": "\(stamp)", "updated_at": "\(stamp)"},
      "b": {"id": "b", "name": "bee", "count": 3, "status": "archived", "tags": [], "created_at": "\(stamp)", "updated_at": "\(stamp)"}
    }
    """

  /// `incoming` in `format`, as `export` writes it (through a scratch SQLite store).
  static func incoming(as format: String) throws -> String {
    let scratch = try ProjectRunner()
    try scratch.write(incoming, to: "in.json")
    try scratch.succeed(["svc", "example", "import", "--from", "in.json", "--target", "sqlite"])
    return try scratch.succeed(["svc", "example", "export", "--backend", "sqlite", "--to", "-", "--format", format])
  }

  func get(_ project: ProjectRunner, _ id: String, _ backend: String) throws -> JSON {
    try #require(try project.json(["svc", "example", "get", id, "-o", "json", "--backend", backend])[0])
  }

  @Test(arguments: allBackends, ["json", "ndjson", "csv"])
  func importFollowsEveryConflictPolicyInEveryFormat(target: String, format: String) throws {
    let project = try ProjectRunner.on(target)
    try project.write(try Self.incoming(as: format), to: "in.\(format)")
    let seed =
      #"{"id": "a", "name": "old", "count": 1, "created_at": "\#(Self.stamp)", "updated_at": "\#(Self.stamp)"}"#
    try project.succeed(
      ["svc", "example", "import", "--from", "-", "--format", "ndjson", "--target", target], stdin: seed + "\n")
    let location = project.location(target)
    let importing = ["svc", "example", "import", "--from", "in.\(format)", "--target", target]

    expectFailure(
      try project.run(importing), exitCode: 1, stderr: "project: a record with id 'a' already exists in \(location)")
    #expect(try project.count(target) == 1)
    let dry = try project.succeed(importing + ["--on-conflict", "overwrite", "--dry-run"])
    #expect(
      dry
        == "dry run: importing 2 records from in.\(format) into \(location) would add 1, update 1, skip 0; nothing written\n"
    )
    #expect(try project.count(target) == 1)
    #expect(try get(project, "a", target)["name"] == .string("old"))

    /// Imports with `policy`, which must report `counts` ("1 added, 0 updated, 1 skipped").
    func expectImport(_ policy: String, _ counts: String) throws {
      let result = try project.run(importing + ["--on-conflict", policy])
      #expect(
        result.status == 0 && result.stdout == ""
          && result.stderr.hasPrefix("imported 2 records from in.\(format) into \(location): \(counts) in "),
        "\(result)")
    }
    try expectImport("skip", "1 added, 0 updated, 1 skipped")
    #expect(try get(project, "a", target)["name"] == .string("old"))
    #expect(try get(project, "b", target)["status"] == .string("archived"))

    try expectImport("overwrite", "0 added, 2 updated, 0 skipped")
    let a = try get(project, "a", target)
    #expect(a["name"] == .string("new") && a["count"] == .int(2) && a["tags"] == .array([.string("x")]), "\(a)")
    #expect(try project.count(target) == 2)
  }

  @Test func servicesListsThePostgresStoreAndCheckDataReadsIt() throws {
    let project = try ProjectRunner.on("postgres")
    let table = try #require(project.postgresTables["example"])
    _ = try project.add(["--name", "one"], backend: "postgres")
    _ = try project.add(["--name", "two"], backend: "postgres")
    let services = try project.json(["services", "-o", "json"])
    let postgres = try #require(services[0]?["postgres"], "\(services)")
    #expect(postgres["records"] == .int(2), "\(postgres)")
    #expect(postgres["table"] == .string("public.\(table)"), "\(postgres)")
    #expect(postgres["server"] == .string("PostgreSQL"), "\(postgres)")
    let files = [
      "project.yaml: ok, 1 service",
      "example [json] data/json/example_items.json: 0 records, all valid",
      "example [sqlite] data/db/myapp.db (table example_items): 0 records, all valid",
    ]
    let check = try project.succeed(["check", "--data"])
    #expect(
      check
        == (files + ["example [postgres] PostgreSQL table public.\(table): 2 records, all valid"]).map { $0 + "\n" }
        .joined())

    // A record the schema refuses, written behind the binary's back, is found.
    let bad = try #require(
      try project.psql(
        #"UPDATE \#(table) SET data = '{"name": "", "count": -1}' WHERE data->>'name' = 'two' RETURNING id"#
      )
      .split(separator: "\n").first)
    let result = try project.run(["check", "--data"])
    #expect(result.status == 1, "\(result)")
    #expect(
      result.stdoutLines == files + [
        "example [postgres] PostgreSQL table public.\(table): 2 records, 2 problems",
        "  \(bad): name: has 0 characters, fewer than the minimum 1",
        "  \(bad): count: -1 is less than the minimum 0",
      ], "\(result)")
    #expect(result.stderr == "project: 2 problems found in stored records\n", "\(result)")
  }

  // MARK: Writers side by side

  /// Runs `script` in bash, `$P` being the binary: it must end well, and its workers must have
  /// written nothing to `errors` and `failed`.
  func runWorkers(_ project: ProjectRunner, _ script: String) throws {
    let result = try project.tool("/bin/bash", ["-c", "P='\(ProjectRunner.binary)'\n" + script], timeout: 600)
    #expect(result.status == 0, "\(result)")
    #expect(project.read("errors") ?? "" == "", "\(project.read("errors") ?? "")")
    #expect(!project.exists("failed"), "\(project.read("failed") ?? "")")
  }

  /// As libpq: without PGPASSWORD the password comes from ~/.pgpass, which is ignored, with
  /// libpq's warning, while its group or others may read it.
  @Test func aPasswordFileOthersMayReadIsIgnoredWithAWarningAndAPrivateOneIsUsed() throws {
    let project = try ProjectRunner.on("postgres")
    let server = try PostgresTestServer.shared()
    let password = try #require(project.baseEnvironment["PGPASSWORD"])
    project.baseEnvironment["PGPASSWORD"] = nil
    let file = try #require(project.environment()["HOME"]) + "/.pgpass"
    try "127.0.0.1:\(server.port):project_test:project_test:\(password)\n".write(
      toFile: file, atomically: false, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
    let before = project.snapshot()
    expectFailure(
      try project.run(["svc", "example", "add", "--name", "a", "--backend", "postgres"]), exitCode: 1,
      stderr: [
        "project: WARNING: password file \"\(file)\" has group or world access; permissions should be u=rw (0600) or less",
        "project: postgres://127.0.0.1:\(server.port): the server asks for a password for user \"project_test\" and none was given (PGPASSWORD)",
      ])
    #expect(project.snapshot() == before)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
    let added = try project.run(["svc", "example", "add", "--name", "a", "--backend", "postgres"])
    #expect(added.status == 0 && added.stderr == "", "\(added)")
    #expect(try project.count("postgres") == 1)
  }

  @Test func eightProcessesAddingFiftyRecordsEachLoseNone() throws {
    let project = try ProjectRunner.on("postgres")
    try runWorkers(
      project,
      """
        for w in 1 2 3 4 5 6 7 8; do
          ( for i in $(seq 50); do
              "$P" svc example add --name "w$w-$i" --backend postgres >> acked 2>> errors || echo "w$w-$i" >> failed
            done ) &
        done
        wait
      """)
    let acked = (project.read("acked") ?? "").split(separator: "\n").map(String.init)
    #expect(acked.count == 400 && Set(acked).count == 400)
    let records = try project.list("postgres")
    #expect(Set(records.compactMap { $0["id"]?.string }) == Set(acked))
    let expected = (1...8).flatMap { w in (1...50).map { "w\(w)-\($0)" } }
    #expect(Set(records.compactMap { $0["name"]?.string }) == Set(expected))
    #expect(try project.count("postgres") == 400)
  }

  /// Two processes update one record many times, each setting keys of its own under `meta`: an
  /// update that read the record before the other's write and wrote after it would drop a key.
  @Test func twoProcessesUpdatingOneRecordLoseNoChange() throws {
    let project = try ProjectRunner.on("postgres")
    let id = try project.add(["--name", "shared", "--meta", "{}"], backend: "postgres")
    try runWorkers(
      project,
      """
        for side in left right; do
          ( for i in $(seq 40); do
              "$P" svc example update \(id) --set "meta.$side$i=$i" --backend postgres > /dev/null 2>> errors || echo "$side$i" >> failed
            done ) &
        done
        wait
      """)
    let meta = try #require(try get(project, id, "postgres")["meta"])
    let missing = ["left", "right"].flatMap { side in (1...40).map { "\(side)\($0)" } }.filter { meta[$0] == nil }
    #expect(missing == [], "updates lost: \(missing)")
    #expect(meta.keys?.count == 80)
  }

  // MARK: Round trip

  /// Values that a lossy path would change: integers against doubles, 1.0 and -0.0, the ends of
  /// Int64, nested free-form objects whose keys are not in any order, and text beyond ASCII.
  static let roundTripRecords = [
    #"{"id": "r1", "name": "Zoë 🚀 e\u0301 — 日本語", "count": 9223372036854775807, "status": "active", "tags": ["b", "a", "é"], "meta": {"z": 1, "a": 1.0, "m": -0.0, "big": -9223372036854775808, "d": 0.1, "e": 1e300, "nested": {"y": [1, 2.5, 1.0, null, true, "s"], "b": {}, "a": []}}, "created_at": "2020-01-02T03:04:05.006Z", "updated_at": "2021-01-02T03:04:05.006Z"}"#,
    #"{"id": "r2", "name": "plain", "count": 0, "status": "archived", "tags": [], "meta": {"text": "tab\there \"quoted\" \\ slash", "n": -12345678901234}, "created_at": "2020-01-02T03:04:05.007Z", "updated_at": "2020-01-02T03:04:05.007Z"}"#,
    #"{"id": "r3", "name": "no meta", "count": 5, "status": "active", "tags": ["x"], "created_at": "2020-01-02T03:04:05.008Z", "updated_at": "2020-01-02T03:04:05.008Z"}"#,
  ]

  @Test func sqliteToPostgresToJSONIsLossless() throws {
    let project = try ProjectRunner.on("postgres")
    try project.succeed(
      ["svc", "example", "import", "--from", "-", "--format", "ndjson", "--target", "sqlite"],
      stdin: Self.roundTripRecords.joined(separator: "\n") + "\n")
    let fromSQLite = try project.succeed([
      "svc", "example", "export", "--backend", "sqlite", "--to", "-", "--format", "ndjson",
    ])
    try project.succeed(["svc", "example", "import", "--target", "postgres", "--from", "-"], stdin: fromSQLite)
    try project.succeed(["svc", "example", "export", "--backend", "postgres"])
    try project.succeed(["svc", "example", "export", "--backend", "sqlite", "--to", "sqlite.json"])
    let exported = try #require(project.bytes("data/json/example_items.json"))
    #expect(exported == project.bytes("sqlite.json"))
    let text = String(decoding: exported, as: UTF8.self)
    for fragment in [#""a": 1.0,"#, #""m": -0.0,"#, #""count": 9223372036854775807,"#, #""z": 1,"#, "Zoë 🚀 e\u{0301}"] {
      #expect(text.contains(fragment), "\(fragment) in\n\(text)")
    }
    for format in ["json", "ndjson", "csv"] {
      let arguments = ["svc", "example", "export", "--to", "-", "--format", format, "--backend"]
      #expect(try project.succeed(arguments + ["postgres"]) == project.succeed(arguments + ["sqlite"]), "\(format)")
    }
    for backend in allBackends {
      #expect(
        try project.succeed(["svc", "example", "list", "-o", "json", "--backend", backend])
          == project.succeed(["svc", "example", "list", "-o", "json", "--backend", "sqlite"]), "\(backend)")
    }
  }

  // MARK: Naming the server

  @Test func projectPostgresURLOverridesTheManifestsURL() throws {
    let server = try PostgresTestServer.shared()
    let dead = try LocalPort.closed()
    let project = try ProjectRunner.on("postgres")
    try project.write(
      try #require(project.read("project.yaml")).replacingOccurrences(
        of: "postgresql:///project_test", with: "postgresql://127.0.0.1:\(dead.port)/project_test"), to: "project.yaml")
    expectFailure(
      try project.run(["svc", "example", "count", "--backend", "postgres"]), exitCode: 1,
      stderr: "project: postgres://127.0.0.1:\(dead.port): connection refused")
    let url = "postgresql://127.0.0.1:\(server.port)/project_test"
    project.baseEnvironment["PROJECT_POSTGRES_URL"] = url
    let id = try project.add(["--name", "via env"], backend: "postgres")
    #expect(try project.list("postgres").map { $0["id"] } == [.string(id)])
    // The record is in the server the variable names, which the test role reaches directly.
    #expect(try project.psql("SELECT id FROM \(try #require(project.postgresTables["example"]))") == id + "\n")
  }

  @Test func severalHostsReachTheOneThatTakesWrites() throws {
    let server = try PostgresTestServer.shared()
    let standby = try PostgresTestServer.standby()
    let dead = try LocalPort.closed()
    let project = try ProjectRunner.on("postgres")
    try project.write(
      try #require(project.read("project.yaml")).replacingOccurrences(
        of: "postgresql:///project_test",
        with:
          "postgresql://127.0.0.1:\(dead.port),127.0.0.1:\(standby.port),127.0.0.1:\(server.port)/project_test?target_session_attrs=read-write"
      ), to: "project.yaml")
    let id = try project.add(["--name", "many hosts"], backend: "postgres")
    #expect(try project.list("postgres").map { $0["id"] } == [.string(id)])
    #expect(try project.succeed(["svc", "example", "delete", id, "--backend", "postgres"]) == "deleted 1 record\n")
    #expect(try project.count("postgres") == 0)
  }

  @Test func aPasswordInTheManifestsURLIsRefusedAtLoad() throws {
    let project = try ProjectRunner(
      manifest: Manifests.example.replacingOccurrences(
        of: "services:\n", with: "postgres:\n  url: postgresql://app:s3cret@db1.internal/records\nservices:\n"))
    for arguments in [["services"], ["check"], ["svc", "example", "count", "--backend", "sqlite"]] {
      expectFailure(
        try project.run(arguments), exitCode: 2,
        stderr:
          "project: project.yaml:5:8: postgres.url: the connection string holds a password, and a manifest is no place for one; give it in PGPASSWORD or ~/.pgpass instead"
      )
    }
    #expect(!project.exists("data"))
  }

  @Test(arguments: [
    ["svc", "example", "add", "--name", "x", "--backend", "postgres"],
    ["svc", "example", "list", "--backend", "postgres"],
    ["svc", "example", "count", "--backend", "postgres"],
    ["svc", "example", "import", "--from", "in.json", "--target", "postgres"],
    ["svc", "example", "export", "--backend", "postgres"],
  ])
  func backendPostgresWithoutAServerIsAUsageError(arguments: [String]) throws {
    let project = try ProjectRunner()
    try project.write(Self.incoming, to: "in.json")
    expectFailure(
      try project.run(arguments), exitCode: 2,
      stderr:
        "project: the manifest names no PostgreSQL server, so there is no postgres store; add a 'postgres:' section with its url; see 'project svc example \(arguments[2]) --help'"
    )
    #expect(!project.exists("data"))
  }

  @Test func migrateOnPostgresWithoutAServerIsAUsageError() throws {
    let project = try ProjectRunner()
    expectFailure(
      try project.run(["migrate", "--backend", "postgres"]), exitCode: 2,
      stderr:
        "project: the manifest names no PostgreSQL server, so there is no postgres store; add a 'postgres:' section with its url"
    )
  }

  @Test func completionOffersPostgresWhereTheManifestNamesAServer() throws {
    let project = try ProjectRunner.on("postgres")
    func complete(_ words: String...) throws -> [String] {
      try project.succeed(["__complete"] + words).split(separator: "\n").map(String.init)
    }
    #expect(try complete("svc", "example", "list", "--backend", "") == ["json", "sqlite", "postgres"])
    #expect(try complete("svc", "example", "import", "--target", "") == ["sqlite", "json", "postgres"])
    #expect(try complete("svc", "example", "export", "--backend", "") == ["sqlite", "postgres"])
    try project.write(Manifests.example, to: "project.yaml")
    #expect(try complete("svc", "example", "export", "--backend", "") == ["sqlite"])
  }

  @Test func defaultBackendPostgresWithoutAServerIsRefusedAtLoad() throws {
    let project = try ProjectRunner(manifest: Manifests.example(backend: "postgres"))
    for arguments in [["services"], ["svc", "example", "count", "--backend", "sqlite"]] {
      expectFailure(
        try project.run(arguments), exitCode: 2,
        stderr:
          "project: project.yaml:5:12: defaults.backend: the default backend is postgres, but the manifest has no 'postgres:' section naming the server"
      )
    }
    #expect(!project.exists("data"))
  }
}
