import Foundation
import Testing

/// The backends are separate sources of truth; the manifest picks the default one.
@Suite struct BackendTests {
  static let jsonFile = "data/json/example_items.json"
  static let dbFile = "data/db/myapp.db"

  @Test(arguments: allBackends)
  func writingOneBackendNeverTouchesTheOthers(backend: String) throws {
    let project = try ProjectRunner.on("postgres")
    let id = try project.add(["--name", "only-here"], backend: backend)
    _ = try project.succeed(["svc", "example", "update", id, "--count", "4", "--backend", backend])

    #expect(project.exists(Self.jsonFile) == (backend == "json"), "the JSON store file after a \(backend) write")
    #expect(project.exists(Self.dbFile) == (backend == "sqlite"), "the database after a \(backend) write")
    #expect(try project.count(backend) == 1)
    for other in allBackends where other != backend {
      #expect(try project.count(other) == 0)
      #expect(try project.list(other) == [])
      expectFailure(
        try project.run(["svc", "example", "get", id, "--backend", other]), exitCode: 1,
        stderr: "project: no record with id '\(id)' in \(project.location(other))")
    }
    if backend != "sqlite", project.exists(Self.dbFile) {
      let rows = try project.tool(sqliteShell, [Self.dbFile, "SELECT count(*) FROM example_items;"])
      #expect(rows.stdout == "0\n", "\(rows)")
    }
  }

  @Test(arguments: allBackends)
  func deletingInOneBackendLeavesTheOthersAlone(backend: String) throws {
    let project = try ProjectRunner.on("postgres")
    let here = try project.add(["--name", "here"], backend: backend)
    for other in allBackends where other != backend { _ = try project.add(["--name", "there"], backend: other) }
    #expect(try project.succeed(["svc", "example", "delete", here, "--backend", backend]) == "deleted 1 record\n")
    #expect(try project.count(backend) == 0)
    for other in allBackends where other != backend {
      #expect(try project.list(other).map { $0["name"] } == [.string("there")])
    }
  }

  @Test(
    arguments: [("json", "json"), ("sqlite", "sqlite"), ("postgres", "postgres"), (nil, "sqlite")]
      as [(String?, String)])
  func defaultBackendComesFromTheManifest(declared: String?, expected: String) throws {
    let project = try ProjectRunner.on("postgres", manifest: Manifests.example(backend: declared))
    let id = try project.add(["--name", "default"])
    #expect(project.exists(Self.jsonFile) == (expected == "json"))
    #expect(project.exists(Self.dbFile) == (expected == "sqlite"))
    #expect(try project.count(expected) == 1)
    for other in allBackends where other != expected { #expect(try project.count(other) == 0) }
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
