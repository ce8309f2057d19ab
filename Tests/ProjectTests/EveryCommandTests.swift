import Foundation
import Testing

/// Promises that hold for every command, not only the one a test happened to pick: a broken
/// store file is reported and never overwritten, and a store that a symlink takes out of
/// `data_dir` is refused before any read or write.
@Suite struct EveryCommandTests {
  /// Every command that reads or writes a store, for one backend (export and import use both).
  static func commands(_ backend: String) -> [[String]] {
    var list: [[String]] = [
      ["svc", "example", "get", "seed-1", "--backend", backend],
      ["svc", "example", "list", "--backend", backend],
      ["svc", "example", "count", "--backend", backend],
      ["svc", "example", "count", "--where", "count=2", "--backend", backend],
      ["svc", "example", "add", "--name", "added", "--backend", backend],
      ["svc", "example", "update", "seed-7", "--set", "count=9", "--backend", backend],
      ["svc", "example", "delete", "seed-3", "--backend", backend],
      ["svc", "example", "delete", "--where", "count=2", "--yes", "--backend", backend],
      ["svc", "example", "import", "--from", "small.ndjson", "--target", backend],
    ]
    list += [
      ["svc", "example", "export"], ["svc", "example", "export", "--merge"], ["svc", "example", "export", "--replace"],
      ["svc", "example", "export", "--dry-run"],
    ]
    list.append(
      backend == "json"
        ? ["svc", "example", "import", "--target", "sqlite"]  // reads the JSON store file
        : ["svc", "example", "export", "--format", "ndjson", "--to", "-"])
    return list
  }

  static func storeFile(_ backend: String) -> String {
    backend == "json" ? WriteCommand.jsonStore : WriteCommand.database
  }

  /// A store file that does not parse (JSON) or is not a database (SQLite): every command fails
  /// with one line naming the file, and leaves it byte for byte as it was.
  @Test(arguments: ["json", "sqlite"])
  func aBrokenStoreFileIsReportedAndNeverOverwrittenByAnyCommand(backend: String) throws {
    let fixture = try DurabilityFixture()
    let broken =
      backend == "json"
      ? "{\n  \"seed-0\": {\"name\": \"x\",\n" : "SQLite format 3\u{0}" + String(repeating: "garbage ", count: 3000)
    for command in Self.commands(backend) {
      try fixture.reset()
      try fixture.project.write(broken, to: Self.storeFile(backend))
      let before = fixture.project.snapshot()
      let result = try fixture.project.run(command)
      #expect(result.status == 1 && !result.showsCrash, "\(result)")
      #expect(result.stderrLines.count == 1 && result.stderr.hasPrefix("project: "), "\(result)")
      if backend == "json" {
        #expect(result.stderr.contains("example_items.json:3:"), "the error names the file, line and column: \(result)")
      }
      let after = fixture.project.snapshot()
      #expect(
        after[Self.storeFile(backend)] == before[Self.storeFile(backend)],
        "\(Self.storeFile(backend)) changed: \(result)")
      #expect(
        Set(after.keys).subtracting(before.keys).filter { !$0.hasSuffix("-shm") && !$0.hasSuffix("-wal") }.isEmpty,
        "new files: \(Set(after.keys).subtracting(before.keys)) after \(result)")
    }
  }

  /// The store's folder is a symlink out of `data_dir`, to a folder holding a store: every command
  /// is refused, and nothing there is read into the output, changed or added.
  @Test(arguments: ["json", "sqlite"])
  func aSymlinkOutOfTheDataFolderIsRefusedByEveryCommand(backend: String) throws {
    let fixture = try DurabilityFixture()
    let folder = backend == "json" ? "data/json" : "data/db"
    for command in Self.commands(backend) {
      try fixture.reset()
      let outside = fixture.project.root.appendingPathComponent("outside").path
      try? FileManager.default.removeItem(atPath: outside)
      try FileManager.default.moveItem(atPath: fixture.project.path(folder), toPath: outside)
      try FileManager.default.createSymbolicLink(atPath: fixture.project.path(folder), withDestinationPath: outside)
      let before = try Self.files(outside)
      let result = try fixture.project.run(command)
      #expect(result.status == 1 && !result.showsCrash, "\(result)")
      #expect(result.stderrLines.count == 1 && result.stderr.contains("outside data_dir"), "\(result)")
      #expect(!result.stdout.contains("seed"), "records from outside data_dir printed: \(result)")
      #expect(try Self.files(outside) == before, "the folder outside data_dir changed: \(result)")
    }
  }

  static func files(_ folder: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
      files[name] = FileManager.default.contents(atPath: folder + "/" + name)
    }
    return files
  }
}
