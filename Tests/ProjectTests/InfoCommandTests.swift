import Foundation
import Testing

/// `services`, `check` and `init`.
@Suite struct InfoCommandTests {
  @Test func servicesListsEachServiceWithBothStoresAndCounts() throws {
    let project = try ProjectRunner(manifest: Manifests.withHosts)
    _ = try project.add(["--name", "a"], backend: "sqlite")
    _ = try project.add(["--name", "b"], backend: "sqlite")
    _ = try project.add(["--name", "c"], backend: "json")

    let json = try project.json(["services", "-o", "json"])
    let services = try #require(json.array)
    #expect(services.map { $0["name"] } == [.string("example"), .string("hosts")])
    let example = services[0]
    #expect(example["description"] == .string("Example items"))
    #expect(example["json"]?["records"] == .int(1))
    #expect(example["sqlite"]?["records"] == .int(2))
    #expect(example["sqlite"]?["table"] == .string("example_items"))
    #expect(example["json"]?["path"]?.string?.hasSuffix("/work/data/json/example_items.json") == true)
    #expect(example["sqlite"]?["path"]?.string?.hasSuffix("/work/data/db/myapp.db") == true)
    #expect(services[1]["json"]?["records"] == .int(0))
    #expect(services[1]["sqlite"]?["records"] == .int(0))
    #expect(services[1]["json"]?["last_written"] == .null)

    let table = try project.succeed(["services"])
    let rows = table.split(separator: "\n").map {
      $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    }
    #expect(rows.first == ["SERVICE", "BACKEND", "RECORDS", "LAST", "WRITTEN", "STORE"])
    #expect(
      rows.contains { $0.prefix(3) == ["example", "json", "1"] && $0.last == "data/json/example_items.json" },
      "\(table)")
    #expect(
      rows.contains {
        $0.prefix(3) == ["example", "sqlite", "2"] && $0.suffix(3) == ["data/db/myapp.db", "(table", "example_items)"]
      }, "\(table)")
    #expect(rows.contains { $0 == ["hosts", "json", "0", "never", "data/json/hosts_items.json"] }, "\(table)")
    #expect(
      rows.contains {
        $0.prefix(3) == ["hosts", "sqlite", "0"] && $0.suffix(3) == ["data/db/myapp.db", "(table", "hosts_items)"]
      }, "\(table)")
  }

  @Test func readingTheStoresDoesNotChangeTheirLastWrittenTime() throws {
    let project = try ProjectRunner(manifest: Manifests.withHosts)
    _ = try project.add(["--name", "a"], backend: "sqlite")
    _ = try project.add(["--name", "b"], backend: "json")
    _ = try project.add(["--hostname", "h1"], backend: "sqlite", service: "hosts")
    func lastWritten() throws -> [JSON?] {
      let services = try #require(try project.json(["services", "-o", "json"]).array)
      return services.flatMap { [$0["json"]?["last_written"], $0["sqlite"]?["last_written"]] }
    }
    let first = try lastWritten()
    // example json, example sqlite, hosts json (never written: null), hosts sqlite.
    #expect(first.map { isRecordTimestamp($0?.string) } == [true, true, false, true], "\(first)")
    #expect(first[2] == .null, "\(first)")
    _ = try project.succeed(["svc", "hosts", "list"])
    _ = try project.succeed(["svc", "example", "count"])
    let second = try lastWritten()
    #expect(second == first, "nothing was written between the two runs: \(first) then \(second)")
  }

  @Test func checkAcceptsAGoodManifest() throws {
    let project = try ProjectRunner(manifest: Manifests.withHosts)
    let result = try project.run(["check"])
    #expect(result.status == 0 && result.stderr == "", "\(result)")
    #expect(result.stdout == "project.yaml: ok, 2 services\n")
    #expect(!project.exists("data"))
  }

  @Test func checkDataReportsStoredRecordsThatNoLongerFitTheSchema() throws {
    let project = try ProjectRunner()
    _ = try project.add(["--name", "fine"], backend: "sqlite")
    try project.write(
      #"{"x": {"id": "x", "name": "", "count": "three", "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:00:00.000Z"}}"#,
      to: "data/json/example_items.json")
    let result = try project.run(["check", "--data"])
    #expect(result.status == 1, "\(result)")
    #expect(result.stdout.contains("x: count: expected integer, found \"three\""), "\(result)")
    #expect(result.stdout.contains("x: name: has 0 characters, fewer than the minimum 1"), "\(result)")
    #expect(result.stderrLines == ["project: 2 problems found in stored records"], "\(result)")
  }

  @Test func initWritesAStarterManifestAndDataFoldersAndNeverOverwrites() throws {
    let project = try ProjectRunner(manifest: nil)
    let first = try project.run(["init"])
    #expect(first.status == 0 && first.stderr == "", "\(first)")
    #expect(first.stdout == "wrote project.yaml and data/{json,db}\n")
    var isFolder: ObjCBool = false
    for folder in ["data/json", "data/db"] {
      #expect(
        FileManager.default.fileExists(atPath: project.path(folder), isDirectory: &isFolder) && isFolder.boolValue,
        "\(folder)")
    }
    let written = try #require(project.bytes("project.yaml"))
    #expect(try project.succeed(["check"]) == "project.yaml: ok, 1 service\n")
    _ = try project.add(["--name", "starter"])

    expectFailure(
      try project.run(["init"]), exitCode: 1, stderr: "project: project.yaml already exists; init never overwrites it")
    #expect(project.bytes("project.yaml") == written)

    // Even a hand-edited manifest is left alone.
    try project.write("version: 1\n# mine\n", to: "project.yaml")
    expectFailure(
      try project.run(["init"]), exitCode: 1, stderr: "project: project.yaml already exists; init never overwrites it")
    #expect(project.read("project.yaml") == "version: 1\n# mine\n")
  }
}
