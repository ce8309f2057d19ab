import Foundation
import PostgresTestSupport
import Testing

@testable import ProjectCore

/// The byte path (`RecordText`, stored text spliced) against the tree path (`JSONWriter` over
/// `Record.orderedJSON`): the same bytes for every record, canonical or not.
@Suite struct RecordTextTests {
  static let fieldOrder = ["name", "count", "score", "ok", "tags", "meta", "extra"]

  typealias Seeded = SeededRandom

  static func string(_ random: inout Seeded) -> String {
    let pieces = ["a", "Z", " ", "\"", "\\", "\n", "\t", "\u{01}", "\u{1F}", "\u{7F}", "é", "日本", "😀", "/", "\u{2028}"]
    return (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random) ?? "" }
      .joined()
  }

  static func value(_ random: inout Seeded, depth: Int = 0) -> JSONValue {
    switch Int.random(in: 0..<(depth > 3 ? 6 : 8), using: &random) {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &random))
    case 2: return .integer(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &random))
    case 3:
      return .double(
        [0.5, -1.25, 1e20, 1e-7, 3.141592653589793, 0.1 + 0.2, 123456789.0, -0.0][
          Int.random(in: 0..<8, using: &random)])
    case 4, 5: return .string(string(&random))
    case 6: return .array((0..<Int.random(in: 0...3, using: &random)).map { _ in value(&random, depth: depth + 1) })
    default:
      var object = JSONObject()
      for _ in 0..<Int.random(in: 0...3, using: &random) { object[string(&random)] = value(&random, depth: depth + 1) }
      return .object(object)
    }
  }

  /// A record's fields: a random subset of the schema's, in schema order or shuffled, sometimes
  /// with a field outside the schema.
  static func fields(_ random: inout Seeded) -> JSONObject {
    var names = fieldOrder.filter { _ in Bool.random(using: &random) }
    if Int.random(in: 0..<4, using: &random) == 0 { names.shuffle(using: &random) }
    if Int.random(in: 0..<4, using: &random) == 0 { names.append("other" + string(&random)) }
    var object = JSONObject()
    for name in names { object[name] = value(&random) }
    return object
  }

  /// Ways other tools write the same object: each is JSON the reader takes, none is what the
  /// writer writes.
  static let otherSpellings: [(String, String)] = [
    (#"{"name":"a\/b"}"#, "an escaped slash"),
    (#"{"name":"\u00e9"}"#, "an escaped letter"),
    (#"{"name":"\u001F"}"#, "upper-case hex"),
    (#"{"name":"\u000a"}"#, "a \\u escape for a short one"),
    (#"{"count":1E2}"#, "an exponent"),
    (#"{"score":1.50}"#, "a trailing zero"),
    (#"{"score":-0.0}"#, "negative zero"),
    (#"{"count":-0}"#, "negative integer zero"),
    (#"{"count":0.0}"#, "a zero double"),
    (#"{ "name": "a" }"#, "whitespace"),
    (#"{"count":1,"name":"a"}"#, "schema order broken"),
    (#"{"other":1,"name":"a"}"#, "a schema field after an outside one"),
    (#"{"name":"a","name":"b"}"#, "a duplicate key"),
    (#"{"meta":{"k":1,"k":2}}"#, "a nested duplicate key"),
    (#"{"n\u0061me":"a"}"#, "an escaped key"),
    (#"{"id":"x","name":"a"}"#, "an id among the fields"),
    (#"{"name":"a","updated_at":"2020-01-01T00:00:00.000Z"}"#, "a timestamp among the fields"),
  ]

  static func treeBytes(_ record: Record, style: JSONWriter.Style, indent: Int) -> [UInt8] {
    var out: [UInt8] = []
    JSONWriter.writeObject(record.orderedJSON(fieldOrder: fieldOrder), to: &out, style: style, indent: indent)
    return out
  }

  static func splicedBytes(_ data: [UInt8], id: String, style: JSONWriter.Style, indent: Int) -> [UInt8] {
    var out: [UInt8] = []
    data.withUnsafeBufferPointer { data in
      RecordText(fieldOrder: fieldOrder).write(
        id: id, data: data, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-02T00:00:00.000Z",
        style: style, indent: indent, to: &out)
    }
    return out
  }

  static func record(_ data: [UInt8], id: String) throws -> Record {
    Record(
      id: id, fields: try #require(try JSONReader.parse(data).objectValue), createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-02T00:00:00.000Z")
  }

  @Test func splicedTextEqualsTheTreeWriterForRandomRecords() throws {
    var random = Seeded(state: 17)
    var spliced = 0
    for n in 0..<3000 {
      let data = JSONWriter.bytes(.object(Self.fields(&random)))
      let id = n % 7 == 0 ? "id \"\(n)\"" : "id-\(n)"
      let record = try Self.record(data, id: id)
      if data.withUnsafeBufferPointer({ RecordText(fieldOrder: Self.fieldOrder).isCanonical($0) }) { spliced += 1 }
      for (style, indent) in [(JSONWriter.Style.compact, 0), (.pretty, 1), (.pretty, 0)] {
        #expect(
          Self.splicedBytes(data, id: id, style: style, indent: indent)
            == Self.treeBytes(record, style: style, indent: indent), "\(String(decoding: data, as: UTF8.self))")
      }
    }
    // Most records take the byte path; the rest (shuffled keys, -0.0, duplicates) the tree path.
    #expect(spliced > 1000)
  }

  @Test(arguments: otherSpellings)
  func textWrittenAnotherWayIsWrittenAsTheTreeWriterWritesIt(text: String, why: String) throws {
    let data = Array(text.utf8)
    #expect(!data.withUnsafeBufferPointer { RecordText(fieldOrder: Self.fieldOrder).isCanonical($0) }, "\(why)")
    let record = try Self.record(data, id: "r")
    for (style, indent) in [(JSONWriter.Style.compact, 0), (.pretty, 1)] {
      #expect(
        Self.splicedBytes(data, id: "r", style: style, indent: indent)
          == Self.treeBytes(record, style: style, indent: indent), "\(why)")
    }
  }
}

/// `RawRowStreaming.forEachRow(_:_:)` with `RecordText` against `forEach(_:_:)` with
/// `JSONWriter`, on every database store, over random records and queries.
@Suite struct RawRowOutputTests {
  let folder = TemporaryFolder()
  let service: RecordService

  init() throws {
    service = RecordService(definition: try Fixtures.service(in: folder))
  }

  /// The store of `backend`; PostgreSQL's in a table of its own on the test server.
  func store(_ backend: Backend) throws -> RecordStore {
    guard backend == .postgres else { return service.store(backend) }
    let server = try PostgresTestServer.shared()
    var definition = service.definition
    definition.stores.postgres = StoreSettings.Server(url: nil, table: PostgresTestServer.uniqueTable("raw"))
    let store = PostgresStore(service: definition)
    store.connection = try PostgresConnector.connect(
      try PostgresConnectionSettings(
        url:
          "host=127.0.0.1 port=\(server.port) user=\(server.base.user) password='\(server.base.password ?? "")' dbname=\(server.base.database) sslmode=require",
        environment: ["HOME": folder.path]))
    return store
  }

  /// 400 random records (`RecordTextTests.fields`), with names and statuses to sort and filter by.
  static func insertRandomRecords(into store: RecordStore) throws {
    var random = RecordTextTests.Seeded(state: 2026)
    var records: [Record] = []
    for n in 0..<400 {
      var fields = RecordTextTests.fields(&random)
      fields["name"] = .string("n\(n % 5)")
      _ = fields.set(.string(n % 3 == 0 ? "active" : "archived"), at: FieldPath(["status"]))
      records.append(
        Record(
          id: "r\(n)", fields: fields, createdAt: "2026-01-01T00:00:0\(n % 10).000Z",
          updatedAt: "2026-01-02T00:00:00.000Z"))
    }
    _ = try store.insert(records, onConflict: .fail)
  }

  /// All records; those of one status; a page of a sort.
  func queries() throws -> [RecordQuery] {
    let parser = FilterParser(schema: service.definition.schema)
    return [
      RecordQuery.all, RecordQuery(filters: [try parser.parseFilter("status=active")]),
      RecordQuery(sort: [try parser.parseSort("name:desc")], limit: 50, offset: 7),
    ]
  }

  @Test(arguments: [Backend.sqlite, .postgres])
  func storedTextGivesTheSameBytesAsRecordsForRandomRecords(backend: Backend) throws {
    let store = try store(backend)
    let raw = try #require(store as? RawRowStreaming)
    try Self.insertRandomRecords(into: store)
    let order = service.definition.schema.fieldNames
    let text = RecordText(fieldOrder: order)
    for query in try queries() {
      for (style, indent) in [(JSONWriter.Style.compact, 0), (.pretty, 1)] {
        var tree: [UInt8] = []
        var treeCount = 0
        try store.forEach(query) { record in
          JSONWriter.writeObject(record.orderedJSON(fieldOrder: order), to: &tree, style: style, indent: indent)
          treeCount += 1
        }
        var bytes: [UInt8] = []
        try raw.forEachRow(query) { id, data, createdAt, updatedAt in
          text.write(
            id: id, data: data, createdAt: createdAt, updatedAt: updatedAt, style: style, indent: indent, to: &bytes)
        }
        #expect(treeCount > 0)
        #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: tree, as: UTF8.self))
      }
    }
  }
}
