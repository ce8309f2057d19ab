import Foundation
import Testing

/// `export` (SQLite → JSON) and `import` (file → either store).
@Suite struct TransferTests {
  static let exampleFile = "data/json/example_items.json"
  static let hostsFile = "data/json/hosts_items.json"
  /// The stores `export` copies from.
  static let databases = ["sqlite", "postgres"]

  /// `export` copies from `--backend`; without it from `defaults.backend`, or from SQLite when
  /// the default is the JSON store, the export's own target. `--backend json` is refused.
  @Test func exportCopiesFromTheBackendItIsGivenAndFromSQLiteWhenTheDefaultIsJSON() throws {
    let project = try ProjectRunner(manifest: Manifests.example(backend: "json"))
    let id = try project.add(["--name", "in sqlite"], backend: "sqlite")
    let plain = try project.run(["svc", "example", "export", "--to", "-", "--format", "ndjson"])
    #expect(plain.status == 0 && plain.stdout.contains(id) && plain.stdout.contains("in sqlite"), "\(plain)")
    let given = try project.run(["svc", "example", "export", "--backend", "sqlite", "--to", "-", "--format", "ndjson"])
    #expect(given.status == 0 && given.stdout == plain.stdout, "\(given)")
    let refused = try project.run(["svc", "example", "export", "--backend", "json"])
    #expect(refused.status == 2, "\(refused)")
    #expect(
      refused.stderr
        == "project: export copies a database store into the JSON store file; --backend json has nothing to copy from; see 'project svc example export --help'\n"
    )
    #expect(!project.exists(Self.exampleFile))
  }

  @Test func exportThenImportIntoAFreshStoreRoundTripsIdsValuesTypesAndTimestamps() throws {
    let source = try ProjectRunner(manifest: Manifests.withHosts)
    try source.succeed([
      "svc", "hosts", "add", "--hostname", "web1", "--ip", "10.0.0.1", "--cpu-load", "0.5", "--cores", "4",
      "--active", "false", "--last-seen", "2026-01-02T03:04:05Z", "--installed", "2025-12-01", "--role", "web",
      "--labels", "a,b", "--set", "location.region=eu", "--set", "location.rack=7",
      "--extra", #"{"x":[1,2.0,"s",null,true]}"#,
    ])
    try source.succeed([
      "svc", "hosts", "add", "--hostname", "db1", "--cpu-load", "2", "--role", "db", "--set", "location.region=us",
      "--extra", "2.0",
    ])
    _ = try source.add(["--name", "first", "--count", "3", "--tags", "x", "--meta", #"{"k":{"deep":[1.5]}}"#])
    _ = try source.add(["--name", "second"])

    let hostsBefore = try source.succeed(["svc", "hosts", "list", "-o", "json", "--backend", "sqlite"])
    let exampleBefore = try source.succeed(["svc", "example", "list", "-o", "json", "--backend", "sqlite"])

    for service in ["hosts", "example"] {
      let export = try source.run(["svc", service, "export"])
      #expect(export.status == 0, "\(export)")
    }
    // The export is the JSON store file, so the JSON backend now lists the same records.
    #expect(try source.succeed(["svc", "hosts", "list", "-o", "json", "--backend", "json"]) == hostsBefore)
    #expect(try source.succeed(["svc", "example", "list", "-o", "json", "--backend", "json"]) == exampleBefore)
    let hostsText = try #require(source.read(Self.hostsFile))
    #expect(hostsText.contains(#""extra": 2.0"#), "a double must stay a double:\n\(hostsText)")
    #expect(hostsText.contains(#""cores": 4,"#))

    let target = try ProjectRunner(manifest: Manifests.withHosts)
    try target.write(hostsText, to: "incoming/hosts.json")
    try target.write(try #require(source.read(Self.exampleFile)), to: "incoming/example.json")
    try target.succeed(["svc", "hosts", "import", "--from", "incoming/hosts.json", "--target", "sqlite"])
    try target.succeed(["svc", "example", "import", "--from", "incoming/example.json", "--target", "sqlite"])
    #expect(try target.succeed(["svc", "hosts", "list", "-o", "json", "--backend", "sqlite"]) == hostsBefore)
    #expect(try target.succeed(["svc", "example", "list", "-o", "json", "--backend", "sqlite"]) == exampleBefore)

    let hosts = try JSON.parse(hostsBefore)
    #expect(hosts[0]?["cpu_load"] == .double(0.5))
    #expect(hosts[0]?["cores"] == .int(4))
    #expect(hosts[0]?["active"] == .bool(false))
    #expect(hosts[0]?["location"]?["rack"] == .int(7))
    #expect(hosts[0]?["extra"]?["x"] == .array([.int(1), .double(2.0), .string("s"), .null, .bool(true)]))
    #expect(hosts[1]?["cpu_load"] == .int(2))
    #expect(hosts[1]?["extra"] == .double(2.0))

    // And back: the imported SQLite store exports to the same JSON file text.
    try target.succeed(["svc", "hosts", "export"])
    #expect(target.read(Self.hostsFile) == hostsText)
  }

  @Test func importFromTheJSONStoreIntoSQLiteIsTheDefaultSource() throws {
    let project = try ProjectRunner()
    _ = try project.add(["--name", "a", "--count", "1"], backend: "json")
    _ = try project.add(["--name", "b", "--tags", "t"], backend: "json")
    let before = try project.succeed(["svc", "example", "list", "-o", "json", "--backend", "json"])
    try project.succeed(["svc", "example", "import", "--target", "sqlite"])
    #expect(try project.succeed(["svc", "example", "list", "-o", "json", "--backend", "sqlite"]) == before)
    // A second import of the same ids fails by default and changes nothing.
    let again = try project.run(["svc", "example", "import", "--target", "sqlite"])
    #expect(again.status == 1, "\(again)")
    #expect(try project.count("sqlite") == 2)
  }

  @Test(arguments: databases)
  func exportRefusesToDropRecordsOnlyInTheFileAndWritesNothing(source: String) throws {
    let project = try ProjectRunner.on(source, manifest: Manifests.example(backend: source))
    let onlyInFile = try project.add(["--name", "file-only"], backend: "json")
    _ = try project.add(["--name", "db"], backend: source)
    let before = try #require(project.bytes(Self.exampleFile))
    expectFailure(
      try project.run(["svc", "example", "export"]), exitCode: 1,
      stderr:
        "project: export refused: it would drop 1 record found only in the file ('\(onlyInFile)') in data/json/example_items.json; nothing written; use --merge to keep them (the database wins on the same id), --replace to overwrite (the old file is kept as .bak), or --dry-run to see the plan"
    )
    #expect(project.bytes(Self.exampleFile) == before)
    #expect(!project.exists(Self.exampleFile + ".bak"))

    let dry = try project.run(["svc", "example", "export", "--dry-run"])
    #expect(dry.status == 0, "\(dry)")
    #expect(dry.stdout.contains("dropped: \(onlyInFile)"), "\(dry)")
    #expect(project.bytes(Self.exampleFile) == before)
  }

  @Test(arguments: databases)
  func exportRefusesToChangeARecordTheFileHoldsDifferently(source: String) throws {
    let project = try ProjectRunner.on(source, manifest: Manifests.example(backend: source))
    let id = try project.add(["--name", "db"], backend: source)
    try project.succeed(["svc", "example", "export"])
    try project.succeed(["svc", "example", "update", id, "--count", "2", "--backend", "json"])
    let before = try #require(project.bytes(Self.exampleFile))
    let result = try project.run(["svc", "example", "export"])
    #expect(result.status == 1, "\(result)")
    #expect(
      result.stderr.hasPrefix(
        "project: export refused: it would change 1 record ('\(id)') in data/json/example_items.json; nothing written"),
      "\(result)")
    #expect(project.bytes(Self.exampleFile) == before)
  }

  @Test(arguments: databases)
  func exportMergeKeepsRecordsOnlyInTheFile(source: String) throws {
    let project = try ProjectRunner.on(source, manifest: Manifests.example(backend: source))
    let onlyInFile = try project.add(["--name", "file-only"], backend: "json")
    let fromDB = try project.add(["--name", "db"], backend: source)
    let merge = try project.run(["svc", "example", "export", "--merge"])
    #expect(merge.status == 0, "\(merge)")
    let file = try JSON.parse(try #require(project.read(Self.exampleFile)))
    #expect(file.keys == [onlyInFile, fromDB])
    #expect(file[fromDB]?["name"] == .string("db"))
    #expect(try project.count(source) == 1)
    #expect(!project.exists(Self.exampleFile + ".bak"))
  }

  @Test(arguments: databases)
  func exportReplaceOverwritesAndKeepsABackup(source: String) throws {
    let project = try ProjectRunner.on(source, manifest: Manifests.example(backend: source))
    _ = try project.add(["--name", "file-only"], backend: "json")
    let fromDB = try project.add(["--name", "db"], backend: source)
    let before = try #require(project.bytes(Self.exampleFile))
    let replace = try project.run(["svc", "example", "export", "--replace"])
    #expect(replace.status == 0, "\(replace)")
    let file = try JSON.parse(try #require(project.read(Self.exampleFile)))
    #expect(file.keys == [fromDB])
    #expect(project.bytes(Self.exampleFile + ".bak") == before)
  }

  static let badImport = """
    {
      "r1": {"id": "r1", "name": "ok", "count": 1, "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:00:00.000Z"},
      "r2": {"id": "r2", "name": "bad", "count": "ten", "status": "zzz", "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:00:00.000Z"},
      "r3": {"id": "r3", "count": -1, "tags": ["a", 2], "meta": {"k": 1}}
    }
    """

  @Test(arguments: allBackends)
  func importWithBadRecordsWritesNothingAndListsEveryErrorWithItsRecordAndPath(target: String) throws {
    let project = try ProjectRunner.on(target)
    try project.write(Self.badImport, to: "incoming.json")
    expectFailure(
      try project.run(["svc", "example", "import", "--from", "incoming.json", "--target", target]), exitCode: 1,
      stderr: [
        #"project: record 'r2': count: expected integer, found "ten""#,
        #"project: record 'r2': status: expected one of active, archived, found "zzz""#,
        "project: record 'r3': name: is required",
        "project: record 'r3': count: -1 is less than the minimum 0",
        "project: record 'r3': tags[1]: expected string, found 2",
        "project: nothing imported: 2 of 3 records are invalid",
      ])
    #expect(try project.count(target) == 0)
    #expect(!project.exists(Self.exampleFile))
    if target == "sqlite", project.exists("data/db/myapp.db") {
      let rows = try project.tool(sqliteShell, ["data/db/myapp.db", "SELECT count(*) FROM example_items;"])
      #expect(rows.stdout == "0\n", "\(rows)")
    }
  }

  @Test(arguments: allBackends)
  func importOfNDJSONFromStandardInputAddsEveryRecord(target: String) throws {
    let project = try ProjectRunner.on(target)
    let input = """
      {"id": "n1", "name": "one", "count": 1, "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-02T00:00:00.000Z"}
      {"id": "n2", "name": "two"}

      """
    let result = try project.run(
      ["svc", "example", "import", "--from", "-", "--format", "ndjson", "--target", target], stdin: input)
    #expect(result.status == 0, "\(result)")
    let records = try project.list(target)
    #expect(records.map { $0["id"] } == [.string("n1"), .string("n2")])
    #expect(records[0]["updated_at"] == .string("2026-01-02T00:00:00.000Z"))
    #expect(records[1]["name"] == .string("two"))
    #expect(isRecordTimestamp(records[1]["created_at"]?.string))
  }
}

extension TransferTests {
  @Test func exportToAPathOutsideDataDirWritesThere() throws {
    let project = try ProjectRunner()
    let id = try project.add(["--name", "out"], backend: "sqlite")
    let outside = project.root.appendingPathComponent("elsewhere/dump.json").path
    try FileManager.default.createDirectory(
      atPath: (outside as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try project.succeed(["svc", "example", "export", "--to", outside])
    let text = try String(contentsOfFile: outside, encoding: .utf8)
    #expect(text.contains("\"\(id)\": {"))
    try project.succeed([
      "svc", "example", "export", "--to", project.root.appendingPathComponent("elsewhere/dump.ndjson").path, "--format",
      "ndjson",
    ])
    #expect(FileManager.default.fileExists(atPath: project.root.appendingPathComponent("elsewhere/dump.ndjson").path))
  }
}
