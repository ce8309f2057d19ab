import Foundation
import PostgresTestSupport
import Testing

@testable import ProjectCore

/// One contract, run against every store: the files in a temporary folder, the PostgreSQL
/// table one that no other test uses on the test server.
@Suite struct RecordStoreContractTests {
  let folder = TemporaryFolder()
  let service: RecordService

  init() throws {
    service = RecordService(definition: try Fixtures.serviceOnEveryBackend(in: folder))
  }

  /// Whether the backend's store exists: its file, or its table on the server.
  func storeExists(_ backend: Backend) throws -> Bool {
    let stores = service.definition.stores
    switch backend {
    case .json: return FileManager.default.fileExists(atPath: stores.json.path)
    case .sqlite: return FileManager.default.fileExists(atPath: stores.sqlite.path)
    case .postgres:
      let table = try #require(stores.postgres)
      return try PostgresTestServer.shared().tableExists(table.table, schema: table.schema)
    }
  }

  func record(_ json: String, at stamp: String = Timestamp.now()) throws -> Record {
    try service.newRecord(fields: try #require(try JSONReader.parse(json).objectValue), now: stamp)
  }

  @Test(arguments: Backend.allCases)
  func addedRecordIsReadBack(backend: Backend) throws {
    let store = service.store(backend)
    let added = try record(#"{"name": "a", "score": 1.0, "meta": {"z": 1, "a": [true, null]}}"#)
    #expect(try store.insert([added], onConflict: .fail) == WriteSummary(added: 1))
    let back = try #require(try store.get(ids: [added.id]).first)
    #expect(back == added)
    #expect(back.fields["score"] == .double(1.0))
    #expect(back.fields["count"] == .integer(0))
    #expect(back.fields["meta"]?.objectValue?.keys == ["z", "a"])
    #expect(try store.count(.all) == 1)
  }

  @Test(arguments: Backend.allCases)
  func readingAnEmptyStoreCreatesNothing(backend: Backend) throws {
    let store = service.store(backend)
    #expect(try store.list(.all).isEmpty)
    #expect(try store.count(.all) == 0)
    #expect(try store.get(ids: ["a"]).isEmpty)
    #expect(try store.lastModified() == nil)
    #expect(!FileManager.default.fileExists(atPath: folder.file("data")))
    #expect(try !storeExists(backend))
  }

  @Test(arguments: Backend.allCases)
  func writingOneBackendNeverTouchesTheOther(backend: Backend) throws {
    _ = try service.store(backend).insert([try record(#"{"name": "a"}"#)], onConflict: .fail)
    #expect(try storeExists(backend))
    for other in Backend.allCases where other != backend {
      #expect(try service.store(other).count(.all) == 0)
      #expect(try !storeExists(other), "\(other)")
    }
  }

  @Test(arguments: Backend.allCases)
  func duplicateIDsFailAndWriteNothing(backend: Backend) throws {
    let store = service.store(backend)
    let first = try record(#"{"name": "a"}"#)
    _ = try store.insert([first], onConflict: .fail)
    var clash = try record(#"{"name": "b"}"#)
    clash.id = first.id
    let fresh = try record(#"{"name": "c"}"#)
    #expect(throws: StoreError.duplicateID(id: first.id, location: store.location)) {
      try store.insert([fresh, clash], onConflict: .fail)
    }
    #expect(try store.count(.all) == 1)
    #expect(try store.insert([clash, fresh], onConflict: .skip) == WriteSummary(added: 1, skipped: 1))
    #expect(try store.get(ids: [first.id]).first?.fields["name"] == .string("a"))
    #expect(try store.insert([clash], onConflict: .overwrite) == WriteSummary(updated: 1))
    #expect(try store.get(ids: [first.id]).first?.fields["name"] == .string("b"))
  }

  @Test(arguments: Backend.allCases)
  func uniqueFieldsAreEnforced(backend: Backend) throws {
    let store = service.store(backend)
    let first = try record(#"{"name": "a", "email": "x@example.com"}"#)
    _ = try store.insert([first], onConflict: .fail)
    #expect(
      throws: StoreError.uniqueViolation(
        field: "email", value: #""x@example.com""#, existingID: first.id, location: store.location)
    ) {
      try store.insert([try record(#"{"name": "b", "email": "x@example.com"}"#)], onConflict: .fail)
    }
    _ = try store.insert([try record(#"{"name": "c"}"#), try record(#"{"name": "d"}"#)], onConflict: .fail)
    #expect(try store.count(.all) == 3)
  }

  @Test(arguments: Backend.allCases)
  func updateChangesFieldsAndKeepsCreatedAt(backend: Backend) throws {
    let store = service.store(backend)
    let added = try record(#"{"name": "a", "tags": ["x"]}"#, at: "2026-01-01T00:00:00.000Z")
    _ = try store.insert([added], onConflict: .fail)
    var changes = RecordService.Changes()
    changes.assignments = [(FieldPath(["count"]), .integer(5)), (FieldPath(["meta", "owner"]), .string("ops"))]
    changes.unset = [FieldPath(["tags"])]
    let updated = try service.update(id: added.id, changes: changes, in: store, now: "2026-02-02T00:00:00.000Z")
    #expect(updated.createdAt == "2026-01-01T00:00:00.000Z")
    #expect(updated.updatedAt == "2026-02-02T00:00:00.000Z")
    let back = try #require(try store.get(ids: [added.id]).first)
    #expect(back == updated)
    #expect(back.fields["count"] == .integer(5))
    #expect(back.fields["tags"] == nil)
    #expect(back.fields["meta"] == .object(JSONObject([("owner", .string("ops"))])))
  }

  @Test(arguments: Backend.allCases)
  func invalidUpdateWritesNothing(backend: Backend) throws {
    let store = service.store(backend)
    let added = try record(#"{"name": "a"}"#)
    _ = try store.insert([added], onConflict: .fail)
    var changes = RecordService.Changes()
    changes.assignments = [(FieldPath(["count"]), .integer(-3))]
    #expect(throws: RecordService.InvalidRecords.self) { try service.update(id: added.id, changes: changes, in: store) }
    #expect(try store.get(ids: [added.id]).first == added)
    #expect(throws: StoreError.notFound(ids: ["nope"], location: store.location)) {
      try service.update(id: "nope", changes: changes, in: store)
    }
  }

  @Test(arguments: Backend.allCases)
  func deleteIsAllOrNothing(backend: Backend) throws {
    let store = service.store(backend)
    let a = try record(#"{"name": "a"}"#)
    let b = try record(#"{"name": "b"}"#)
    _ = try store.insert([a, b], onConflict: .fail)
    #expect(throws: StoreError.notFound(ids: ["missing"], location: store.location)) {
      try store.delete(ids: [a.id, "missing"])
    }
    #expect(try store.count(.all) == 2)
    #expect(try store.delete(ids: [a.id]) == 1)
    #expect(try store.list(.all).map(\.id) == [b.id])
  }

  struct Abandoned: Error {}

  @Test(arguments: Backend.allCases)
  func updateMatchingHandsOverTheMatchesInOrderAndWritesAllOrNothing(backend: Backend) throws {
    let store = service.store(backend)
    let records = try ["active", "archived", "archived", "active"].enumerated().map { i, status in
      try record(#"{"name": "n\#(i)", "status": "\#(status)"}"#, at: "2026-01-01T00:00:0\(3 - i).000Z")
    }
    _ = try store.insert(records, onConflict: .fail)
    let query = RecordQuery(filters: [
      try FilterParser(schema: service.definition.schema).parseFilter("status=archived")
    ])
    // Matches come in the default order (created_at, then id); what the closure throws
    // abandons every change it made.
    var seen: [String] = []
    #expect(throws: Abandoned.self) {
      try store.update(matching: query) { matches in
        seen = matches.map(\.id)
        throw Abandoned()
      }
    }
    #expect(seen == [records[2].id, records[1].id])
    #expect(Set(try store.list(.all)) == Set(records))

    let written = try store.update(matching: query) { matches in
      matches.map { match in
        var changed = match
        changed.fields["name"] = .string("changed")
        changed.updatedAt = "2026-02-01T00:00:00.000Z"
        return changed
      }
    }
    #expect(written == 2)
    let after = try store.get(ids: records.map(\.id))
    #expect(after.map { $0.fields["name"] } == [.string("n0"), .string("changed"), .string("changed"), .string("n3")])
    #expect(
      after.map(\.updatedAt) == [
        records[0].updatedAt, "2026-02-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z", records[3].updatedAt,
      ])
  }

  @Test(arguments: Backend.allCases)
  func deleteMatchingRemovesOnlyMatches(backend: Backend) throws {
    let store = service.store(backend)
    _ = try store.insert(
      try ["active", "archived", "archived"].map { try record(#"{"name": "n", "status": "\#($0)"}"#) },
      onConflict: .fail)
    let query = RecordQuery(filters: [
      try FilterParser(schema: service.definition.schema).parseFilter("status=archived")
    ])
    #expect(try store.delete(matching: query) == 2)
    #expect(try store.count(.all) == 1)
  }

  @Test(arguments: Backend.allCases)
  func defaultOrderIsCreatedAtThenID(backend: Backend) throws {
    let store = service.store(backend)
    var records: [Record] = []
    for (i, stamp) in [
      "2026-01-03T00:00:00.000Z", "2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z", "2026-01-01T00:00:00.000Z",
    ].enumerated() {
      var r = try record(#"{"name": "n\#(i)"}"#, at: stamp)
      r.id = "id-\(3 - i)"
      records.append(r)
    }
    _ = try store.insert(records, onConflict: .fail)
    #expect(try store.list(.all).map(\.id) == ["id-0", "id-2", "id-1", "id-3"])
  }
}

@Suite struct JSONFileStoreTests {
  let folder = TemporaryFolder()

  func store() throws -> JSONFileStore { JSONFileStore(service: try Fixtures.service(in: folder)) }

  @Test func fileHasTheDocumentedShape() throws {
    let store = try store()
    let record = Record(
      id: "r1", fields: JSONObject([("tags", .array([])), ("name", .string("a")), ("count", .integer(2))]),
      createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z")
    _ = try store.insert([record], onConflict: .fail)
    #expect(
      folder.read("data/json/example_items.json") == """
        {
          "r1": {
            "id": "r1",
            "name": "a",
            "count": 2,
            "tags": [],
            "created_at": "2026-01-01T00:00:00.000Z",
            "updated_at": "2026-01-01T00:00:00.000Z"
          }
        }

        """)
  }

  @Test func filesFromOtherToolsAreReadAsTheyAre() throws {
    try folder.write(
      """
      {"0f8fad5bd9cb469fa16570867728950e": {"updated_at": "2024-05-01T10:00:00.123456", "name": "py", "created_at": "2024-05-01T10:00:00.123456+00:00", "id": "0f8fad5bd9cb469fa16570867728950e", "count": 1}}
      """, to: "data/json/example_items.json")
    let records = try store().list(.all)
    #expect(records.count == 1)
    #expect(records.first?.id == "0f8fad5bd9cb469fa16570867728950e")
    #expect(records.first?.fields["name"] == .string("py"))
  }

  /// Ids are told apart by their bytes, as SQLite's `id` column does: "é" written precomposed
  /// and decomposed are two records. An id given twice (by its bytes) makes the file broken:
  /// every read and write refuses it, naming both places, and the file stays as it is.
  @Test func idsAreComparedAsBytesAndARepeatedIDIsRefused() throws {
    let composed = "\u{E9}"
    let decomposed = "e\u{301}"
    let stamps = #""created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:00:00.000Z""#
    try folder.write(
      """
      {"\(composed)": {"name": "composed", \(stamps)}, "x": {"name": "first x", \(stamps)},
       "\(decomposed)": {"name": "decomposed", \(stamps)}}
      """, to: "data/json/example_items.json")
    let store = try store()
    // The same created_at: the records fall back to id order, byte by byte.
    #expect(
      try store.list(.all).map(\.id).map { Array($0.utf8) } == [decomposed, "x", composed].map { Array($0.utf8) })
    #expect(try store.get(ids: ["x"]).first?.fields["name"] == .string("first x"))
    #expect(try store.get(ids: [decomposed]).first?.fields["name"] == .string("decomposed"))
    #expect(try store.get(ids: [composed]).first?.fields["name"] == .string("composed"))
    let updated = try store.update(id: decomposed) { $0.fields["name"] = .string("changed") }
    #expect(Array(updated.id.utf8) == Array(decomposed.utf8))
    #expect(try store.get(ids: [composed]).first?.fields["name"] == .string("composed"))
    #expect(try store.delete(ids: [composed]) == 1)
    #expect(try store.get(ids: [decomposed]).first?.fields["name"] == .string("changed"))

    try folder.write(
      """
      {"\(composed)": {"name": "composed", \(stamps)}, "x": {"name": "first x", \(stamps)},
       "\(decomposed)": {"name": "decomposed", \(stamps)}, "x": {"name": "last x", \(stamps)}}
      """, to: "data/json/example_items.json")
    let path = folder.file("data/json/example_items.json")
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let refusal = StoreError.duplicateStoredID(
      path: path, id: "x", firstLine: 1, firstColumn: 113, line: 2, column: 116)
    let record = Record(
      id: "y", fields: JSONObject([("name", .string("y"))]), createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z")
    #expect(throws: refusal) { try store.list(.all) }
    #expect(throws: refusal) { try store.count(.all) }
    #expect(throws: refusal) { try store.get(ids: ["x"]) }
    #expect(throws: refusal) { try store.insert([record], onConflict: .fail) }
    #expect(throws: refusal) { try store.update(id: "x") { $0.fields["name"] = .string("changed") } }
    #expect(throws: refusal) { try store.delete(ids: [composed]) }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
  }

  /// Many records, so that the id index grows past its first size; every id is found again.
  @Test func everyIdOfALargeFileIsFound() throws {
    let ids = (0..<5000).map { "id-\($0 * 7919 % 5000)" }
    let body = ids.map { #""\#($0)": {"name": "n"}"# }.joined(separator: ",\n")
    try folder.write("{\n\(body)\n}\n", to: "data/json/example_items.json")
    let store = try store()
    #expect(try store.get(ids: ids.reversed()).map(\.id) == ids.reversed())
    #expect(try store.get(ids: ["id-5000", "id-"]).isEmpty)
    let added = Record(
      id: "id-0", fields: JSONObject([("name", .string("again"))]), createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z")
    #expect(throws: StoreError.self) { try store.insert([added], onConflict: .fail) }
  }

  /// `add` writes the stored bytes straight from the file it read, in pieces past 1 MiB: a
  /// file of a few MiB, written by hand with its own spacing, keeps every byte.
  @Test func addKeepsEveryByteOfALargeFile() throws {
    let body = (0..<30000).map {
      #" "r\#($0)" :{"name":"record \#($0) with some text to make it longer than a line or two"}"#
    }
    let original = "{" + body.joined(separator: ",\n") + "\n}\n"
    try folder.write(original, to: "data/json/example_items.json")
    let store = try store()
    let record = Record(
      id: "new", fields: JSONObject([("name", .string("n"))]), createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z")
    #expect(try store.insert([record], onConflict: .fail).added == 1)
    let text = try #require(folder.read("data/json/example_items.json"))
    let kept = String(original.dropLast(3))
    #expect(text.hasPrefix(kept + ",\n  \"new\": {"))
    #expect(text.hasSuffix("}\n}\n"))
    #expect(try store.count(.all) == 30001)
  }

  /// A filter builds only the fields it reads for every record; the records it returns are
  /// built and checked whole.
  @Test func filteredListChecksTheRecordsItReturns() throws {
    try folder.write(
      """
      {"a": {"name": "ok", "count": 1, "created_at": "2026-01-01T00:00:00.000Z"},
       "b": {"name": "bad", "count": 2, "created_at": "yesterday"}}
      """, to: "data/json/example_items.json")
    let store = try store()
    let parser = FilterParser(schema: store.service.schema)
    let one = RecordQuery(filters: [try parser.parseFilter("count=1")])
    #expect(try store.list(one).map(\.id) == ["a"])
    let two = RecordQuery(filters: [try parser.parseFilter("count=2")])
    #expect(throws: StoreError.self) { try store.list(two) }
    #expect(throws: StoreError.self) { try store.list(.all) }
  }

  @Test func brokenFileIsReportedAndNeverOverwritten() throws {
    let broken = "{\n  \"a\": {\"id\": \"a\", \"name\": \"x\",}\n}\n"
    try folder.write(broken, to: "data/json/example_items.json")
    let store = try store()
    let expected = StoreError.corruptFile(
      path: store.path, line: 2, column: 32, message: "unexpected '}'; expected a string key")
    #expect(throws: expected) { try store.list(.all) }
    let record = Record(
      id: "b", fields: JSONObject([("name", .string("y"))]), createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z")
    #expect(throws: expected) { try store.insert([record], onConflict: .fail) }
    #expect(folder.read("data/json/example_items.json") == broken)
  }

  @Test func rewriteKeepsTheFileModeAndLeavesNoTempFiles() throws {
    let store = try store()
    let record = Record(
      id: "a", fields: JSONObject([("name", .string("x"))]), createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z")
    _ = try store.insert([record], onConflict: .fail)
    try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: store.path)
    _ = try store.delete(ids: ["a"])
    let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o640)
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.file("data/json")).sorted()
    #expect(names == ["example_items.json", "example_items.json.lock"])
  }
}

@Suite struct SQLiteIndexTests {
  @Test func aFilteredListWithALimitReadsItsIndexInOrderAndOldIndexesAreReplaced() throws {
    let folder = TemporaryFolder()
    let definition = try Fixtures.service(in: folder)
    try FileManager.default.createDirectory(atPath: folder.file("data/db"), withIntermediateDirectories: true)
    let old = try SQLiteDatabase(path: definition.stores.sqlite.path, create: true, busyTimeoutMilliseconds: 1000)
    try old.execute(
      """
      CREATE TABLE example_items (id TEXT PRIMARY KEY, data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE INDEX "example_items_status_idx" ON example_items (json_extract(data, '$.status'));
      CREATE INDEX "example_items_created_idx" ON example_items (created_at, id);
      """)
    let store = SQLiteStore(service: definition)
    let query = RecordQuery(
      filters: [try FilterParser(schema: definition.schema).parseFilter("status=active")], limit: 10)
    // Explaining reads the database as it is; the next write replaces the old indexes.
    #expect(try store.explain(query).joined(separator: "\n").contains("USING INDEX example_items_status_idx"))
    let record = Record(
      id: "a", fields: JSONObject([("name", .string("x"))]), createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z")
    _ = try store.insert([record], onConflict: .fail)
    let plan = try store.explain(query).joined(separator: "\n")
    #expect(plan.contains("USING INDEX example_items$status"), "\(plan)")
    #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    #expect(
      try old.scalarText(
        "SELECT count(*) FROM sqlite_master WHERE name IN ('example_items_status_idx', 'example_items_created_idx')")
        == "0")
  }
}
