import Foundation
import Testing

/// The manifest is `--manifest PATH`, else `$PROJECT_MANIFEST`, else the nearest `project.yaml`
/// at or above the current folder; `data_dir` resolves against the manifest's folder.
@Suite struct ManifestDiscoveryTests {
  static let elsewhere = "conf/app/settings.yaml"

  @Test func manifestFlagSelectsTheManifestAndDataDirFollowsIt() throws {
    let project = try ProjectRunner(manifest: nil)
    try project.write(Manifests.example, to: Self.elsewhere)
    for arguments in [
      ["--manifest", Self.elsewhere, "svc", "example", "add", "--name", "a"],
      ["--manifest=\(Self.elsewhere)", "svc", "example", "add", "--name", "b"],
      ["svc", "--manifest", Self.elsewhere, "example", "add", "--name", "c"],
    ] {
      let result = try project.run(arguments)
      #expect(result.status == 0, "\(result)")
    }
    #expect(project.exists("conf/app/data/db/myapp.db"))
    #expect(!project.exists("data"))
    let count = try project.run(["--manifest", Self.elsewhere, "svc", "example", "count"])
    #expect(count.stdout == "3\n", "\(count)")
  }

  @Test func environmentVariableSelectsTheManifest() throws {
    let project = try ProjectRunner(manifest: nil)
    try project.write(Manifests.example, to: Self.elsewhere)
    for manifest in [Self.elsewhere, project.path(Self.elsewhere)] {
      let add = try project.run(
        ["svc", "example", "add", "--name", "env", "--backend", "json"], environment: ["PROJECT_MANIFEST": manifest])
      #expect(add.status == 0, "\(add)")
    }
    #expect(project.exists("conf/app/data/json/example_items.json"))
    #expect(!project.exists("data"))
    let count = try project.run(
      ["svc", "example", "count", "--backend", "json"], environment: ["PROJECT_MANIFEST": Self.elsewhere])
    #expect(count.stdout == "2\n", "\(count)")
  }

  @Test func manifestFlagWinsOverTheEnvironmentWhichWinsOverTheCurrentFolder() throws {
    let project = try ProjectRunner(manifest: Manifests.example(backend: "json"))
    try project.write(Manifests.example(backend: "sqlite"), to: "flag/project.yaml")
    try project.write(Manifests.example(backend: "sqlite"), to: "env/project.yaml")
    _ = try project.succeed(
      ["--manifest", "flag/project.yaml", "svc", "example", "add", "--name", "f"],
      environment: ["PROJECT_MANIFEST": "env/project.yaml"])
    _ = try project.succeed(
      ["svc", "example", "add", "--name", "e"], environment: ["PROJECT_MANIFEST": "env/project.yaml"])
    _ = try project.succeed(["svc", "example", "add", "--name", "here"])
    #expect(project.exists("flag/data/db/myapp.db"))
    #expect(project.exists("env/data/db/myapp.db"))
    #expect(project.exists("data/json/example_items.json"))
    #expect(try project.count("json") == 1)
    #expect(try project.count("sqlite") == 0)
  }

  @Test func nearestManifestIsFoundFromASubfolderAndDataDirIsRelativeToIt() throws {
    let project = try ProjectRunner()
    try FileManager.default.createDirectory(at: project.url("sub/deeper"), withIntermediateDirectories: true)
    let add = try project.run(["svc", "example", "add", "--name", "from-below", "--backend", "json"], in: "sub/deeper")
    #expect(add.status == 0, "\(add)")
    #expect(project.exists("data/json/example_items.json"))
    #expect(!project.exists("sub/deeper/data"))
    #expect(!project.exists("sub/data"))
    let list = try project.run(["svc", "example", "list", "-o", "json", "--backend", "json"], in: "sub")
    #expect(try JSON.parse(list.stdout)[0]?["name"] == .string("from-below"), "\(list)")
    // A nearer manifest wins over one further up.
    try project.write(Manifests.example(backend: "json"), to: "sub/project.yaml")
    let nearer = try project.run(["svc", "example", "count"], in: "sub/deeper")
    #expect(nearer.stdout == "0\n", "\(nearer)")
  }

  @Test func relativeDataDirResolvesAgainstTheManifestFolderNotTheCurrentFolder() throws {
    let project = try ProjectRunner(manifest: nil)
    try project.write(
      Manifests.example.replacingOccurrences(of: "data_dir: data", with: "data_dir: ../store"), to: "conf/project.yaml")
    try FileManager.default.createDirectory(at: project.url("elsewhere"), withIntermediateDirectories: true)
    let add = try project.run(
      ["--manifest", "../conf/project.yaml", "svc", "example", "add", "--name", "x", "--backend", "json"],
      in: "elsewhere")
    #expect(add.status == 0, "\(add)")
    #expect(project.exists("store/json/example_items.json"))
    #expect(!project.exists("elsewhere/store"))
    #expect(!project.exists("conf/store"))
  }

  static var noManifestAbove: Bool {
    var folder = URL(fileURLWithPath: NSTemporaryDirectory()).standardizedFileURL
    while true {
      if FileManager.default.fileExists(atPath: folder.appendingPathComponent("project.yaml").path) { return false }
      let parent = folder.deletingLastPathComponent()
      if parent.path == folder.path { return true }
      folder = parent
    }
  }

  @Test(.enabled(if: noManifestAbove, "a project.yaml above the temp folder would be found"))
  func missingManifestIsAManifestErrorThatSaysWhereItLooked() throws {
    let project = try ProjectRunner(manifest: nil)
    let result = try project.run(["svc", "example", "list"])
    let cwd = project.directory.resolvingSymlinksInPath().path
    expectFailure(
      result, exitCode: 2,
      stderr:
        "project: project.yaml: no manifest found in \(cwd), any folder above it, or /etc/project/project.yaml; pass --manifest PATH, set PROJECT_MANIFEST, or run 'project init'"
    )
  }

  @Test func missingExplicitManifestIsAManifestError() throws {
    let project = try ProjectRunner()
    expectFailure(
      try project.run(["--manifest", "nope.yaml", "services"]), exitCode: 2,
      stderr: "project: nope.yaml: the manifest does not exist")
    expectFailure(
      try project.run(["services"], environment: ["PROJECT_MANIFEST": "nope.yaml"]), exitCode: 2,
      stderr: "project: nope.yaml: the manifest does not exist")
  }
}
