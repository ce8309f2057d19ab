import Foundation
import Testing

/// Every input the fuzzers ever found a fault with is replayed, with the fuzz targets' own
/// checks, on every test run (`Fuzz/regressions/<target>/`).
@Suite struct FuzzRegressionTests {
  static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// The files in `folder`, leaving out dot-files such as `.gitkeep`; throws when the folder
  /// is missing, so that a lost folder is a failure, never zero inputs.
  static func files(in folder: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted().map {
      folder.appendingPathComponent($0).path
    }
  }

  @Test(arguments: ["FuzzJSONReader", "FuzzManifestLoader", "FuzzWhereParser"])
  func regressionInputsReplayCleanly(target: String) throws {
    let inputs = try Self.files(in: Self.package.appendingPathComponent("Fuzz/regressions/\(target)"))
    // And the seeds: for JSON, the public JSONTestSuite kept in Tests/Fixtures and the records.
    let seedFolders =
      target == "FuzzJSONReader"
      ? [
        Self.package.appendingPathComponent("Tests/Fixtures/JSONTestSuite/test_parsing"),
        Self.package.appendingPathComponent("Fuzz/corpus/records"),
      ]
      : [Self.package.appendingPathComponent("Fuzz/corpus/\(target == "FuzzManifestLoader" ? "manifest" : "where")")]
    var seedFiles: [String] = []
    for folder in seedFolders {
      let seeds = try Self.files(in: folder)
      #expect(!seeds.isEmpty, "no seeds in \(folder.path)")
      seedFiles += seeds
    }
    let files = inputs + seedFiles
    let binary = (ProjectRunner.binary as NSString).deletingLastPathComponent + "/" + target
    let project = try ProjectRunner(manifest: nil)
    let result = try project.tool(binary, files, timeout: 120)
    #expect(result.status == 0 && !result.showsCrash, "\(result)")
    // The replay says `ok PATH` for each input once its checks passed, in order.
    #expect(result.stdoutLines == files.map { "ok \($0)" }, "\(result)")
  }
}
