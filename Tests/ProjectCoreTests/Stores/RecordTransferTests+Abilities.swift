import Foundation
import Testing

@testable import ProjectCore

/// Import and export ask a store for what it can do, never for its type: a store that can
/// bulk-load gets the streaming import, one that cannot stream raw rows is exported from its
/// records, with the same result.
extension RecordTransferTests {
  /// A store of another kind that can bulk-load: it counts the batches it is handed and keeps
  /// them in a SQLite store.
  final class BatchCountingStore: RecordStore, BulkLoading {
    let inner: SQLiteStore
    var batches: [Int] = []
    init(service: ServiceDefinition) { inner = SQLiteStore(service: service) }

    var service: ServiceDefinition { inner.service }
    var location: String { inner.location }
    func list(_ query: RecordQuery) throws -> [Record] { try inner.list(query) }
    func count(_ query: RecordQuery) throws -> Int { try inner.count(query) }
    func get(ids: [String]) throws -> [Record] { try inner.get(ids: ids) }
    func insert(_ records: [Record], onConflict: ConflictPolicy) throws -> WriteSummary {
      try inner.insert(records, onConflict: onConflict)
    }
    func update(id: String, _ change: (inout Record) throws -> Void) throws -> Record {
      try inner.update(id: id, change)
    }
    func update(matching query: RecordQuery, _ change: ([Record]) throws -> [Record]) throws -> Int {
      try inner.update(matching: query, change)
    }
    func delete(ids: [String]) throws -> Int { try inner.delete(ids: ids) }
    func delete(matching query: RecordQuery) throws -> Int { try inner.delete(matching: query) }
    func lastModified() throws -> Int64? { try inner.lastModified() }

    func withBulkLoad<T>(
      onConflict: ConflictPolicy, _ body: (_ load: (PreparedRows) throws -> WriteSummary) throws -> T
    ) throws -> T {
      try inner.withBulkLoad(onConflict: onConflict) { load in
        try withoutActuallyEscaping(load) { load in
          try body { rows in
            batches.append(rows.count)
            return try load(rows)
          }
        }
      }
    }
  }

  @Test func importStreamsIntoAnyStoreThatCanBulkLoad() throws {
    let lines = (0..<2500).map { #"{"id": "r\#($0)", "name": "n\#($0)", "created_at": "2026-11-30T12:00:00.000Z"}"# }
    try folder.write(lines.joined(separator: "\n") + "\n", to: "in.ndjson")
    let store = BatchCountingStore(service: service.definition)
    let result = try transfer.importRecords(
      from: folder.file("in.ndjson"), format: nil, into: store, onConflict: .fail, dryRun: false)
    #expect(result.summary == WriteSummary(added: 2500))
    #expect(store.batches == [1000, 1000, 500])
    #expect(try store.count(.all) == 2500)
  }

  @Test func anExportFromAStoreWithoutRawRowsWritesTheSameFileAsFromSQLite() throws {
    var rng = SplitMix64(state: 7)
    let records = (0..<40).map { i in
      var fields = JSONObject()
      fields["name"] = .string(["ünï 😀", "quote \"x\"", "line\nbreak", "plain"][i % 4])
      fields["count"] = .integer(Int64(i))
      fields["score"] = i % 2 == 0 ? .double(Double(i) + 0.5) : .double(1.0)
      fields["meta"] = .object(
        JSONObject([("z", .integer(Int64(rng.next() % 100))), ("a", .array([.double(2.0), .null]))]))
      fields["owner"] = .object(JSONObject([("team", .string("ops"))]))
      let record = Record(
        id: "id-\(i)", fields: fields, createdAt: Timestamp.format(milliseconds: 1_796_000_000_000 + Int64(i % 7)),
        updatedAt: "2026-11-30T18:00:00.000Z")
      return service.validated(record).0
    }
    var written: [Backend: Data] = [:]
    for backend in [Backend.json, .sqlite] {
      let store = StoreFactory.store(backend, for: service.definition)
      _ = try store.insert(records, onConflict: .fail)
      let path = folder.file("export-\(backend.rawValue).json")
      let result = try transfer.exportJSON(from: store, to: path, mode: .safe, dryRun: false)
      #expect(result.exported == 40)
      written[backend] = try Data(contentsOf: URL(fileURLWithPath: path))
    }
    #expect(!(StoreFactory.store(.json, for: service.definition) is RawRowStreaming))
    #expect(StoreFactory.store(.sqlite, for: service.definition) is RawRowStreaming)
    #expect(written[.json] == written[.sqlite])
  }
}
