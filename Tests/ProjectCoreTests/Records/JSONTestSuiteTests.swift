import Foundation
import Testing

@testable import ProjectCore

/// Every file of the public JSONTestSuite, kept in the repository with its MIT licence
/// (`Tests/Fixtures/JSONTestSuite/`), so that a clean clone needs nothing beside it.
@Suite struct JSONTestSuiteTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/JSONTestSuite/test_parsing").path

  /// The file names; throws when the folder is missing, so that no test passes over zero files.
  static func files() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
  }

  @Test func suiteIsThere() throws {
    let files = try Self.files()
    #expect(files.count == 318)
    #expect(files.filter { $0.hasPrefix("y_") }.count == 95)
    #expect(files.filter { $0.hasPrefix("n_") }.count == 188)
    #expect(files.filter { $0.hasPrefix("i_") }.count == 35)
    #expect(FileManager.default.fileExists(atPath: Self.folder + "/../LICENSE"))
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
      try bytes.write(to: URL(fileURLWithPath: definition.stores.json.path))
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
          #expect(path == definition.stores.json.path && line >= 1 && column >= 1, "\(name)")
        case .duplicateStoredID(let path, _, let firstLine, let firstColumn, let line, let column):
          // An id given twice makes the file broken (`y_object_duplicated_key*`).
          #expect(
            path == definition.stores.json.path && firstLine >= 1 && firstColumn >= 1
              && (line, column) > (firstLine, firstColumn), "\(name)")
        case .invalidStoredRecord: break
        default: Issue.record("\(name): unexpected \(error)")
        }
        // A write must refuse too, and leave the bytes as they were.
        let record = Record(
          id: "x", fields: JSONObject([("name", .string("x"))]), createdAt: "2026-01-01T00:00:00.000Z",
          updatedAt: "2026-01-01T00:00:00.000Z")
        #expect(throws: StoreError.self, "\(name)") { try store.insert([record], onConflict: .fail) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: definition.stores.json.path)) == bytes, "\(name) was changed")
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
        let result = try transfer.importRecords(
          from: path, format: .json, into: store, onConflict: .overwrite, dryRun: false)
        #expect(result.issues.isEmpty, "\(name)")
        #expect(!name.hasPrefix("n_"), "\(name) was imported")
      } catch let error as TransferError {
        // A file that does not parse is refused at its line and column; one that parses but is
        // not a set of records says what it found.
        let text = "\(error)"
        #expect(text.hasPrefix(Path.display(path) + ":"), "\(name): \(text)")
        if name.hasPrefix("n_") {
          #expect(text.wholeMatch(of: /.*:\d+:\d+: .+/.dotMatchesNewlines()) != nil, "\(name): \(text)")
        }
      } catch let error as RecordTransfer.ImportFailed {
        #expect(!name.hasPrefix("n_"), "\(name) parsed: \(error)")
        #expect(!error.result.issues.isEmpty, "\(name)")
      } catch {
        Issue.record("\(name): unexpected \(type(of: error)): \(error)")
      }
      #expect(try store.count(.all) == 0, "\(name) wrote records")
    }
  }
}
