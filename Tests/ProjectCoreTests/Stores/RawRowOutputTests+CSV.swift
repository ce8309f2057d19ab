import Testing

@testable import ProjectCore

/// `CSVRowText` over `RawRowStreaming.forEachRow(_:_:)` against `CSVCodec.row` over
/// `forEach(_:_:)`, on every database store: the streamed CSV and the tree path's, byte for byte.
extension RawRowOutputTests {
  @Test(arguments: [Backend.sqlite, .postgres])
  func csvFromStoredTextGivesTheSameBytesAsRecordsForRandomRecords(backend: Backend) throws {
    let store = try store(backend)
    let raw = try #require(store as? RawRowStreaming)
    try Self.insertRandomRecords(into: store)
    let schema = service.definition.schema
    let csv = CSVRowText(schema: schema)
    let columns = csv.columns
    for query in try queries() {
      var tree: [UInt8] = []
      var treeCount = 0
      try store.forEach(query) { record in
        tree.append(contentsOf: CSVCodec.row(record, columns: columns, schema: schema).utf8)
        treeCount += 1
      }
      var bytes: [UInt8] = []
      try raw.forEachRow(query) { id, data, createdAt, updatedAt in
        csv.write(id: id, data: data, createdAt: createdAt, updatedAt: updatedAt, to: &bytes)
      }
      #expect(treeCount > 0)
      #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: tree, as: UTF8.self))
    }
  }

  /// Stored text other tools write (`RecordTextTests.otherSpellings`), and values a schema
  /// field's type does not expect, give the cells the record path gives.
  @Test(
    arguments: RecordTextTests.otherSpellings + [
      (#"{"name":"null","count":"7","score":"a,\"b\"","extra":"x","status":null}"#, "strings in typed fields"),
      (#"{"name":"","tags":["a,b"],"meta":{"k":"\n"},"day":"2026-01-01"}"#, "cells that need quotes"),
      (#"{"name":"a\"b,c","when":"\u0041"}"#, "escapes in text fields"),
    ])
  func csvFromTextWrittenAnotherWayIsTheRecordPathsCSV(text: String, why: String) throws {
    let schema = service.definition.schema
    let csv = CSVRowText(schema: schema)
    let record = try RecordTextTests.record(Array(text.utf8), id: "null")
    var bytes: [UInt8] = []
    Array(text.utf8).withUnsafeBufferPointer { data in
      csv.write(id: "null", data: data, createdAt: record.createdAt, updatedAt: record.updatedAt, to: &bytes)
    }
    #expect(
      String(decoding: bytes, as: UTF8.self) == CSVCodec.row(record, columns: csv.columns, schema: schema), "\(why)")
  }
}
