import Foundation
import Testing

/// The two backends are separate sources of truth; the manifest picks the default one.
@Suite struct BackendTests {
  static let jsonFile = "data/json/example_items.json"
  static let dbFile = "data/db/myapp.db"

  @Test(arguments: ["json", "sqlite"])
  func writingOneBackendNeverTouchesTheOther(backend: String) throws {
    let project = try ProjectRunner()
    let other = backend == "json" ? "sqlite" : "json"
    let id = try project.add(["--name", "only-here"], backend: backend)
    _ = try project.succeed(["svc", "example", "update", id, "--count", "4", "--backend", backend])

    if backend == "json" {
      #expect(project.exists(Self.jsonFile))
      #expect(!project.exists(Self.dbFile), "a JSON write created the database")
    } else {
      #expect(project.exists(Self.dbFile))
      #expect(!project.exists(Self.jsonFile), "a SQLite write created the JSON store file")
    }
    #expect(try project.count(backend) == 1)
    #expect(try project.count(other) == 0)
    #expect(try project.list(other) == [])
    expectFailure(
      try project.run(["svc", "example", "get", id, "--backend", other]), exitCode: 1,
      stderr: "project: no record with id '\(id)' in "
        + (other == "json" ? Self.jsonFile : "\(Self.dbFile) (table example_items)"))

    if backend == "json", project.exists(Self.dbFile) {
      let rows = try project.tool(sqliteShell, [Self.dbFile, "SELECT count(*) FROM example_items;"])
      #expect(rows.stdout == "0\n", "\(rows)")
    }
  }

  @Test(arguments: ["json", "sqlite"])
  func deletingInOneBackendLeavesTheOtherAlone(backend: String) throws {
    let project = try ProjectRunner()
    let other = backend == "json" ? "sqlite" : "json"
    let here = try project.add(["--name", "here"], backend: backend)
    _ = try project.add(["--name", "there"], backend: other)
    #expect(try project.succeed(["svc", "example", "delete", here, "--backend", backend]) == "deleted 1 record\n")
    #expect(try project.count(backend) == 0)
    #expect(try project.list(other).map { $0["name"] } == [.string("there")])
  }

  @Test(arguments: [("json", "json"), ("sqlite", "sqlite"), (nil, "sqlite")] as [(String?, String)])
  func defaultBackendComesFromTheManifest(declared: String?, expected: String) throws {
    let project = try ProjectRunner(manifest: Manifests.example(backend: declared))
    let id = try project.add(["--name", "default"])
    let other = expected == "json" ? "sqlite" : "json"
    #expect(try project.count(expected) == 1)
    #expect(try project.count(other) == 0)
    #expect(project.exists(expected == "json" ? Self.jsonFile : Self.dbFile))
    #expect(!project.exists(expected == "json" ? Self.dbFile : Self.jsonFile))
    // Every record command without --backend uses the same default.
    let got = try project.json(["svc", "example", "get", id, "-o", "json"])
    #expect(got[0]?["id"] == .string(id))
    #expect(try project.succeed(["svc", "example", "count"]) == "1\n")
    #expect(try project.succeed(["svc", "example", "delete", id]) == "deleted 1 record\n")
    #expect(try project.count(expected) == 0)
  }

  @Test func backendFlagOverridesTheManifestDefault() throws {
    let project = try ProjectRunner(manifest: Manifests.example(backend: "json"))
    _ = try project.add(["--name", "explicit"], backend: "sqlite")
    #expect(try project.count("sqlite") == 1)
    #expect(try project.count("json") == 0)
    #expect(!project.exists(Self.jsonFile))
  }
}
