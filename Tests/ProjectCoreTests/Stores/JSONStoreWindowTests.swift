import Foundation
import Testing

@testable import ProjectCore

/// The JSON store reads its file through a window of `StoreFileWindow.size` bytes: these files
/// are several windows long, so records, errors and duplicates fall past the first one.
@Suite struct JSONStoreWindowTests {
  let folder = TemporaryFolder()
  static let file = "data/json/example_items.json"

  func store() throws -> JSONFileStore { JSONFileStore(service: try Fixtures.service(in: folder)) }

  /// `count` records of about 200 bytes each, pretty-printed as the store writes them, with
  /// ids `r0`, `r1`, ... and a `created_at` that grows with the id.
  static func records(_ count: Int) -> [String] {
    (0..<count).map { i in
      """
        "r\(i)": {
          "id": "r\(i)",
          "name": "record \(i) with enough text to make a pretty line",
          "count": \(i % 7),
          "created_at": "2026-01-01T00:00:00.000Z",
          "updated_at": "2026-01-01T00:00:00.000Z"
        }
      """
    }
  }

  static func file(_ entries: [String]) -> String { "{\n" + entries.joined(separator: ",\n") + "\n}\n" }

  /// More records than fit in two windows.
  static let many = (3 * StoreFileWindow.size) / 200

  @Test func aRecordLargerThanTheWindowIsReadWrittenAndCopiedWhole() throws {
    let big = String(repeating: "x", count: 2 * StoreFileWindow.size + 12345)
    var entries = Self.records(3)
    entries.insert(
      """
        "big": {
          "id": "big",
          "name": "\(big)",
          "created_at": "2026-01-01T00:00:00.000Z",
          "updated_at": "2026-01-01T00:00:00.000Z"
        }
      """, at: 1)
    let original = Self.file(entries)
    try folder.write(original, to: Self.file)
    let store = try store()
    #expect(try store.get(ids: ["big"]).first?.fields["name"] == .string(big))
    #expect(try store.list(.all).map(\.id) == ["big", "r0", "r1", "r2"])
    // A change to another record leaves the large one's bytes as they were.
    _ = try store.update(id: "r2") { $0.fields = JSONObject([("name", .string("changed"))]) }
    let after = try #require(folder.read(Self.file))
    #expect(after.contains(entries[1]))
    #expect(try store.get(ids: ["big"]).first?.fields["name"] == .string(big))
  }

  @Test func aSyntaxErrorPastTheFirstWindowNamesItsLineAndColumnInTheWholeFile() throws {
    var entries = Self.records(Self.many)
    let broken = Self.many - 10
    entries[broken] = entries[broken].replacingOccurrences(of: "\"count\": \(broken % 7),", with: "\"count\": 1 2,")
    let text = Self.file(entries)
    try folder.write(text, to: Self.file)
    // Line 1 is '{'; each record takes 7 lines; `count` is the 4th line of the record.
    let line = 1 + broken * 7 + 4
    let store = try store()
    let expected = StoreError.corruptFile(
      path: store.path, line: line, column: 16, message: "unexpected '2'; expected ',' or '}'")
    #expect(throws: expected) { try store.count(.all) }
    #expect(throws: expected) { try store.list(.all) }
    #expect(throws: expected) { try store.delete(ids: ["r0"]) }
    #expect(folder.read(Self.file) == text)
    // The same place as a parse of the whole text gives.
    #expect(throws: JSONSyntaxError(line: line, column: 16, message: "unexpected '2'; expected ',' or '}'")) {
      try JSONReader.parse(Array(text.utf8))
    }
  }

  @Test func aDuplicateIdInALaterWindowIsRefusedNamingBothPlaces() throws {
    var entries = Self.records(Self.many)
    entries.append(Self.records(6)[5])
    let text = Self.file(entries)
    try folder.write(text, to: Self.file)
    let store = try store()
    let expected = StoreError.duplicateStoredID(
      path: store.path, id: "r5", firstLine: 1 + 5 * 7 + 1, firstColumn: 3, line: 1 + Self.many * 7 + 1, column: 3)
    #expect(throws: expected) { try store.get(ids: ["r1"]) }
    #expect(throws: expected) { try store.list(.all) }
    let record = Record(
      id: "new", fields: JSONObject([("name", .string("n"))]), createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z")
    #expect(throws: expected) { try store.insert([record], onConflict: .fail) }
    #expect(folder.read(Self.file) == text)
  }

  /// With `--sort` and `--limit`, the list keeps only the best matches as it reads; ties go by
  /// `created_at` then `id`, whether the file is in that order (ids `r00001`, ...) or not
  /// (`r1`, ..., `r10`, ...: then it reads again keeping every match).
  @Test(arguments: [true, false])
  func aSortedWindowOfManyMatchesIsTheOneAFullSortGives(padded: Bool) throws {
    let count = 40_000
    let ids = (0..<count).map {
      padded ? "r" + String(repeating: "0", count: 5 - String($0).count) + String($0) : "r\($0)"
    }
    let entries = ids.enumerated().map { i, id in
      #"  "\#(id)": {"name": "n", "count": \#(i % 7), "created_at": "2026-01-01T00:00:00.000Z"}"#
    }
    try folder.write(Self.file(entries), to: Self.file)
    let store = try store()
    let parser = FilterParser(schema: store.service.schema)
    let query = RecordQuery(
      filters: [try parser.parseFilter("count>=0")], sort: [SortKey(path: FieldPath(["count"]), descending: true)],
      limit: 10, offset: 5)
    let expected = ids.indices.sorted { a, b in
      a % 7 != b % 7 ? a % 7 > b % 7 : Array(ids[a].utf8).lexicographicallyPrecedes(Array(ids[b].utf8))
    }.dropFirst(5).prefix(10).map { ids[$0] }
    #expect(try store.list(query).map(\.id) == expected)
  }

  @Test func updateAndDeleteCopyEveryOtherRecordsBytesAsTheyAre() throws {
    // Spacing no writer of this tool produces, and a key escaped by hand.
    let odd = [
      #"  "a":{"name":"a",   "count":1,"created_at":"2026-01-01T00:00:00.000Z"}"#,
      #"  "\u0062" : { "name" : "b" , "created_at":"2026-01-01T00:00:00.001Z" }"#,
      #"  "c":{"name":"c","tags":[ 1.0, -0.0, 1e2 ],"created_at":"2026-01-01T00:00:00.002Z"}"#,
    ]
    try folder.write(Self.file(odd + Self.records(Self.many)), to: Self.file)
    let store = try store()
    _ = try store.update(id: "a") { $0.fields = JSONObject([("name", .string("changed"))]) }
    var text = try #require(folder.read(Self.file))
    #expect(text.contains(",\n" + odd[1] + ",\n" + odd[2] + ",\n"))
    #expect(text.hasSuffix(",\n" + Self.file(Self.records(Self.many)).dropFirst(2)))
    #expect(try store.delete(ids: ["r3", "b"]) == 2)
    text = try #require(folder.read(Self.file))
    #expect(text.contains(",\n" + odd[2] + ",\n"))
    let kept = Self.records(Self.many).enumerated().filter { $0.offset != 3 }.map(\.element)
    #expect(text.hasSuffix(",\n" + Self.file(kept).dropFirst(2)))
    #expect(try store.count(.all) == Self.many + 1)
  }
}
