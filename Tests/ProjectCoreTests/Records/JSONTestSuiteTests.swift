import Foundation
import Testing
@testable import ProjectCore

/// Every file of the public JSONTestSuite, read straight from the shared copy beside the
/// repository (`../shared/testdata/JSONTestSuite`, or `$PROJECT_JSON_TEST_SUITE`).
@Suite struct JSONTestSuiteTests {
  static var folder: String {
    if let override = ProcessInfo.processInfo.environment["PROJECT_JSON_TEST_SUITE"] { return override }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.deletingLastPathComponent().appendingPathComponent("shared/testdata/JSONTestSuite/test_parsing").path
  }

  static func files() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
  }

  @Test func suiteIsThere() throws {
    #expect(try Self.files().count > 300)
  }

  @Test func parserAcceptsYAndRejectsNWithLineAndColumn() throws {
    for name in try Self.files() {
      let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.folder + "/" + name)))
      do {
        _ = try JSONReader.parse(bytes)
        #expect(!name.hasPrefix("n_"), "\(name) was accepted")
      } catch {
        #expect(!name.hasPrefix("y_"), "\(name) was rejected: \(error)")
        #expect(error.line >= 1 && error.column >= 1, "\(name)")
        #expect(!error.message.isEmpty)
      }
    }
  }

  /// As a JSON store file: record-shaped `y_` files load, everything else is a clear error
  /// naming the file, and nothing is ever written.
  @Test func everyFileAsAStoreFileIsReadOrClearlyRefused() throws {
    let temp = TemporaryFolder()
    let definition = try Fixtures.service(in: temp)
    try FileManager.default.createDirectory(atPath: temp.file("data/json"), withIntermediateDirectories: true)
    var loaded = 0
    for name in try Self.files() {
      let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/" + name))
      try bytes.write(to: URL(fileURLWithPath: definition.jsonPath))
      let store = JSONFileStore(service: definition)
      var recordShaped = false
      if name.hasPrefix("y_"), case .object(let map)? = try? JSONReader.parse([UInt8](bytes)) {
        recordShaped = map.allSatisfy { (try? Record(json: $0.value, key: $0.key, defaultTimestamp: "")) != nil }
      }
      do {
        _ = try store.list(.all)
        loaded += 1
        #expect(!name.hasPrefix("n_"), "\(name) was loaded")
      } catch let error as StoreError {
        #expect(!recordShaped, "\(name) is record-shaped but was refused: \(error)")
        switch error {
        case .corruptFile(let path, let line, let column, _):
          #expect(path == definition.jsonPath && line >= 1 && column >= 1, "\(name)")
        case .duplicateStoredID(let path, _, let firstLine, let firstColumn, let line, let column):
          // An id given twice makes the file broken (`y_object_duplicated_key*`).
          #expect(path == definition.jsonPath && firstLine >= 1 && firstColumn >= 1 && (line, column) > (firstLine, firstColumn), "\(name)")
        case .invalidStoredRecord: break
        default: Issue.record("\(name): unexpected \(error)")
        }
        // A write must refuse too, and leave the bytes as they were.
        let record = Record(id: "x", fields: JSONObject([("name", .string("x"))]), createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z")
        #expect(throws: StoreError.self, "\(name)") { try store.insert([record], onConflict: .fail) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: definition.jsonPath)) == bytes, "\(name) was changed")
      }
    }
    // Only `{}`-like files hold zero or more records.
    #expect(loaded > 0)
  }

  /// As an import file: nothing is written unless every record is valid.
  @Test func everyFileAsAnImportFileWritesNothingUnlessValid() throws {
    let temp = TemporaryFolder()
    let service = RecordService(definition: try Fixtures.service(in: temp))
    let transfer = RecordTransfer(service: service)
    let store = SQLiteStore(service: service.definition)
    for name in try Self.files() {
      let path = Self.folder + "/" + name
      do {
        let result = try transfer.importRecords(from: path, format: .json, into: store, onConflict: .overwrite, dryRun: false)
        #expect(result.issues.isEmpty, "\(name)")
      } catch {
        #expect("\(error)".count > 0)
      }
      #expect(try store.count(.all) == 0, "\(name) wrote records")
    }
  }
}
