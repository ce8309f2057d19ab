import Foundation
import Testing

/// A record command builds only the service it names from the manifest; every other service is
/// still checked, and every listing of services is the same as when all are built.
@Suite struct ManyServicesTests {
  /// Six services of two shapes, the second with a natural key and a pattern.
  static let manifest = manifest(services: 6)

  static func manifest(services count: Int) -> String {
    var text = "version: 1\napp: many\ndata_dir: data\nservices:\n"
    for i in 0..<count {
      if i % 2 == 0 {
        text += """
            svc\(i):
              description: Items of service \(i)
              fields:
                name:   { type: string, required: true, min_length: 1 }
                status: { type: enum, values: [active, archived], default: active }
              indexes: [status]

          """
      } else {
        text += """
            svc\(i):
              description: Servers of group \(i)
              id: { field: hostname }
              fields:
                hostname: { type: string, required: true, pattern: "^[a-z0-9.-]+$" }
                cores:    { type: integer, minimum: 1, default: 1 }

          """
      }
    }
    return text
  }

  /// Every command, naming one service or none, refuses a manifest whose last service is broken,
  /// with the error it gave when every service was built, and writes nothing.
  @Test func anErrorInAServiceTheCommandDoesNotNameFailsEveryCommand() throws {
    let broken = Self.manifest + "  svc6:\n    fields:\n      n: { type: string, pattern: 'a(?=b)' }\n"
    let project = try ProjectRunner(manifest: broken)
    let stderr =
      "project: project.yaml:43:35: services.svc6.fields.n.pattern: pattern 'a(?=b)' is refused: invalid perl operator: (?= (at character 2 of the pattern)"
    let commands = [
      ["svc", "svc1", "add", "--hostname", "h1"], ["svc", "svc1", "list"], ["svc", "svc0", "count"],
      ["svc", "svc0", "get", "x"], ["svc", "svc0", "export"],
      ["svc", "svc0", "import", "--from", "x.json", "--target", "json"],
      ["svc", "svc1", "delete", "h1"], ["svc", "svc2", "--help"], ["svc", "svc2", "add", "--help"],
      ["svc", "nope", "list"],
      ["services"], ["check"], ["check", "--data", "svc0"], ["backup"], ["migrate", "svc0"],
    ]
    for arguments in commands {
      expectFailure(try project.run(arguments), exitCode: 2, stderr: stderr)
    }
    #expect(project.snapshot().keys.sorted() == ["project.yaml"])
  }

  /// What lists services (`svc` without one or with a wrong one, `svc --help`, `services`,
  /// `check`, `backup`) lists them all; a command naming one sees its own fields.
  @Test func listingsOfServicesAreWholeWhenACommandNamesOne() throws {
    let project = try ProjectRunner(manifest: Self.manifest)
    let names = (0..<6).map { "svc\($0)" }
    expectFailure(
      try project.run(["svc", "svx3", "list"]), exitCode: 2,
      stderr: "project: unknown service 'svx3' in project.yaml; did you mean 'svc3'?")
    expectFailure(
      try project.run(["svc", "nothing-like-it", "list"]), exitCode: 2,
      stderr: "project: unknown service 'nothing-like-it' in project.yaml; services: \(names.joined(separator: ", "))")
    expectFailure(
      try project.run(["svc"]), exitCode: 2,
      stderr: "project: missing service name; services: \(names.joined(separator: ", "))")
    let overview = try project.succeed(["svc", "--help"])
    #expect(
      overview.contains(
        (0..<6).map { "  svc\($0) - \($0 % 2 == 0 ? "Items of service" : "Servers of group") \($0)\n" }.joined()),
      "\(overview)")
    let one = try project.succeed(["svc", "svc3", "--help"])
    #expect(one.contains("SERVICES:\n  svc3 - Servers of group 3\n\nACTIONS:"), "\(one)")
    let fields = try project.succeed(["svc", "svc3", "add", "--help"])
    #expect(fields.contains("--hostname") && fields.contains("--cores") && !fields.contains("--status"), "\(fields)")

    _ = try project.succeed(["svc", "svc3", "add", "--hostname", "h3"])
    _ = try project.succeed(["svc", "svc4", "add", "--name", "n4", "--backend", "json"])
    #expect(
      try project.succeed(["svc", "svc3", "list", "-o", "ndjson", "--fields", "id,cores"]) == #"{"id":"h3","cores":1}"#
        + "\n")
    let services = try #require(try project.json(["services", "-o", "json"]).array)
    #expect(services.map { $0["name"]?.string } == names)
    #expect(services.map { $0["sqlite"]?["records"] } == [0, 0, 0, 1, 0, 0].map { .int($0) })
    #expect(services.map { $0["json"]?["records"] } == [0, 0, 0, 0, 1, 0].map { .int($0) })
    #expect(try project.succeed(["check"]) == "project.yaml: ok, 6 services\n")
    var checked = "project.yaml: ok, 6 services\n"
    var copied: [String] = []
    for i in 0..<6 {
      let inJSON = i == 4 ? 1 : 0
      let inSQLite = i == 3 ? 1 : 0
      checked += "svc\(i) [json] data/json/svc\(i)_items.json: \(inJSON) record\(inJSON == 1 ? "" : "s"), all valid\n"
      checked +=
        "svc\(i) [sqlite] data/db/many.db (table svc\(i)_items): \(inSQLite) record\(inSQLite == 1 ? "" : "s"), all valid\n"
      copied.append(
        i == 4
          ? "copied data/json/svc4_items.json to bk/json/svc4_items.json"
          : "nothing to copy: data/json/svc\(i)_items.json has not been written yet")
      if i == 0 { copied.append("copied data/db/many.db to bk/db/many.db") }
    }
    copied.append("backup in bk: 2 store files, project.yaml, SHA256SUMS")
    #expect(try project.succeed(["check", "--data"]) == checked)
    let backup = try project.succeed(["backup", "--to", "bk"])
    #expect(backup.split(separator: "\n").map(String.init) == copied, "\(backup)")
  }

  /// A manifest of 16 KiB or more is kept checked in the user's cache: `$PROJECT_CACHE_DIR`
  /// (`off` for none), else `$XDG_CACHE_HOME/project`, else `~/.cache/project`. A folder that
  /// cannot be written is no cache and no error, and an edit anywhere in the manifest is checked
  /// whole by the next command, whatever service it names.
  @Test func aLargeManifestIsKeptInTheUsersCacheAndItsEditsAreCheckedWhole() throws {
    let manifest = Self.manifest(services: 80)
    #expect(manifest.utf8.count >= 16 * 1024)
    let project = try ProjectRunner(manifest: manifest)
    func entries(_ folder: URL) -> [String] {
      ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".cache") }
    }
    let home = project.home.appendingPathComponent(".cache/project")
    /// The entry's inode: a command that read the whole file writes a new entry in its place.
    func entryInode() throws -> Int {
      let name = try #require(entries(home).first)
      let attributes = try FileManager.default.attributesOfItem(atPath: home.appendingPathComponent(name).path)
      return try #require(attributes[.systemFileNumber] as? Int)
    }
    _ = try project.succeed(["svc", "svc1", "add", "--hostname", "h1"])
    #expect(entries(home).count == 1)
    let written = try entryInode()
    #expect(try project.succeed(["svc", "svc1", "list", "-o", "ndjson", "--fields", "id"]) == #"{"id":"h1"}"# + "\n")
    #expect(try entryInode() == written, "a command naming one service read the entry, and wrote none")
    _ = try project.succeed(["services"])
    #expect(try entryInode() != written, "a command building every service read the whole file")
    let xdg = project.root.appendingPathComponent("xdg")
    let chosen = project.root.appendingPathComponent("chosen")
    #expect(try project.succeed(["svc", "svc1", "count"], environment: ["XDG_CACHE_HOME": xdg.path]) == "1\n")
    #expect(entries(xdg.appendingPathComponent("project")).count == 1)
    _ = try project.succeed(
      ["svc", "svc1", "count"], environment: ["XDG_CACHE_HOME": xdg.path, "PROJECT_CACHE_DIR": chosen.path])
    #expect(entries(chosen).count == 1)
    try FileManager.default.removeItem(at: home)
    _ = try project.succeed(["svc", "svc1", "count"], environment: ["PROJECT_CACHE_DIR": "off"])
    _ = try project.succeed(["svc", "svc1", "count"], environment: ["HOME": ""])
    #expect(entries(home).isEmpty)
    let blocked = try project.run(
      ["svc", "svc1", "count"], environment: ["PROJECT_CACHE_DIR": project.path("project.yaml") + "/cache"])
    #expect(blocked.status == 0 && blocked.stdout == "1\n" && blocked.stderr == "", "\(blocked)")

    _ = try project.succeed(["svc", "svc1", "count"])
    let before = project.snapshot()
    let lines = manifest.split(separator: "\n", omittingEmptySubsequences: false).count
    try project.write(manifest + "  svc80:\n    fields:\n      n: { type: strin }\n", to: "project.yaml")
    expectFailure(
      try project.run(["svc", "svc1", "add", "--hostname", "h2"]), exitCode: 2,
      stderr:
        "project: project.yaml:\(lines + 2):18: services.svc80.fields.n.type: unknown type 'strin'; did you mean 'string'?"
    )
    try project.write(manifest, to: "project.yaml")
    #expect(project.snapshot() == before)
    #expect(try project.succeed(["svc", "svc1", "count"]) == "1\n")
  }
}
