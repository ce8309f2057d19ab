import Foundation
import Testing

/// Every input the fuzzers ever found a fault with is replayed, with the fuzz targets' own
/// checks, on every test run (`Fuzz/regressions/<target>/`).
@Suite struct FuzzRegressionTests {
  static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  @Test(arguments: ["FuzzJSONReader", "FuzzManifestLoader", "FuzzWhereParser"])
  func regressionInputsReplayCleanly(target: String) throws {
    let folder = Self.package.appendingPathComponent("Fuzz/regressions/\(target)")
    let inputs = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.sorted().map { folder.appendingPathComponent($0).path } ?? []
    // And the seeds: for JSON, the public JSONTestSuite beside the repository and the records.
    let seedFolders = target == "FuzzJSONReader"
      ? [Self.package.deletingLastPathComponent().appendingPathComponent("shared/testdata/JSONTestSuite/test_parsing"), Self.package.appendingPathComponent("Fuzz/corpus/records")]
      : [Self.package.appendingPathComponent("Fuzz/corpus/\(target == "FuzzManifestLoader" ? "manifest" : "where")")]
    let seedFiles = seedFolders.flatMap { seeds in
      (try? FileManager.default.contentsOfDirectory(atPath: seeds.path))?.sorted().map { seeds.appendingPathComponent($0).path } ?? []
    }
    let files = inputs + seedFiles
    try #require(!files.isEmpty)
    let binary = (ProjectRunner.binary as NSString).deletingLastPathComponent + "/" + target
    let project = try ProjectRunner(manifest: nil)
    let result = try project.tool(binary, files, timeout: 120)
    #expect(result.status == 0 && !result.showsCrash, "\(result)")
    #expect(result.stdoutLines.count + result.stderrLines.filter { $0.hasPrefix("ok ") }.count >= files.count, "\(result)")
  }
}
