import Foundation
import Testing

@testable import ProjectCore

@Suite struct RecordTransferTests {
  let folder = TemporaryFolder()
  let service: RecordService
  let transfer: RecordTransfer

  init() throws {
    service = RecordService(definition: try Fixtures.serviceOnEveryBackend(in: folder))
    transfer = RecordTransfer(service: service)
  }

  /// Valid records of every field type, with unicode, nested key order and mixed numbers.
  func generatedRecords(_ count: Int) -> [Record] {
    var rng = SplitMix64(state: 42)
    return (0..<count).map { i in
      var fields = JSONObject()
      fields["name"] = .string(["ünï 😀", "a,b", "quote \"x\"", "line\nbreak", " padded ", "plain"][i % 6])
      fields["count"] = .integer(Int64(i))
      fields["score"] = i % 2 == 0 ? .double(Double(i) + 0.5) : .double(1.0)
      fields["ok"] = .bool(i % 3 == 0)
      fields["when"] = .string("2026-11-30T16:04:45.\(100 + i % 900)Z")
      fields["day"] = .string("2026-02-28")
      fields["status"] = .string(i % 2 == 0 ? "active" : "archived")
      fields["tags"] = .array(i % 4 == 0 ? [] : [.string("t\(i)"), .string("é")])
      fields["meta"] = .object(
        JSONObject([
          ("z", .integer(Int64(rng.next() % 100))), ("a", .array([.double(2.0), .null, .bool(false)])),
          ("nested", .object(JSONObject([("k", .string("v"))]))),
        ]))
      fields["owner"] = .object(JSONObject([("team", .string("ops")), ("size", .integer(3))]))
      fields["extra"] =
        [
          JSONValue.integer(1), .double(1.0), .string("1"), .null,
          .object(JSONObject([("b", .integer(1)), ("a", .integer(2))])),
        ][i % 5]
      if i % 5 == 0 { fields["email"] = .string("u\(i)@example.com") }
      if i % 7 == 0 {
        fields["name"] = .string("")
        fields["name"] = .string("x\(i)")
      }
      return Record(
        id: "id-\(i)", fields: fields, createdAt: Timestamp.format(milliseconds: 1_796_000_000_000 + Int64(i)),
        updatedAt: "2026-11-30T18:00:00.000Z")
    }
  }

  func assertIdentical(_ a: [Record], _ b: [Record]) {
    #expect(a.count == b.count)
    for (x, y) in zip(a, b) {
      #expect(x == y)
      #expect(
        JSONWriter.string(.object(x.fields)) == JSONWriter.string(.object(y.fields)),
        "key order or number types differ for \(x.id)")
    }
  }

  @Test(arguments: [RecordFileFormat.json, .ndjson, .csv])
  func exportThenImportIsLossless(format: RecordFileFormat) throws {
    let records = generatedRecords(60).map { record in
      var r = record
      // CSV carries schema fields; objects and arrays go as JSON text, so key order survives.
      r.fields = service.validated(r).0.fields
      return r
    }
    let sqlite = SQLiteStore(service: service.definition)
    _ = try sqlite.insert(records, onConflict: .fail)
    let path = folder.file("out.\(format.rawValue)")
    if format == .json {
      _ = try transfer.exportJSON(from: sqlite, to: path, mode: .safe, dryRun: false)
    } else {
      _ = try transfer.exportStream(from: sqlite, format: format, to: path, replace: false)
    }
    var copy = service.definition
    copy.stores.sqlite.path = folder.file("data/copy.db")
    let target = SQLiteStore(service: copy)
    let result = try transfer.importRecords(from: path, format: nil, into: target, onConflict: .fail, dryRun: false)
    #expect(result.summary == WriteSummary(added: 60))
    assertIdentical(try target.list(.all), try sqlite.list(.all))
    // And back out again: byte-identical files.
    let again = folder.file("again.\(format.rawValue)")
    if format == .json {
      _ = try transfer.exportJSON(from: target, to: again, mode: .safe, dryRun: false)
    } else {
      _ = try transfer.exportStream(from: target, format: format, to: again, replace: false)
    }
    #expect(folder.read("out.\(format.rawValue)") == folder.read("again.\(format.rawValue)"))
  }

  @Test func importIntoTheJSONStoreThenExportRoundTrips() throws {
    let records = generatedRecords(30).map {
      var r = $0
      r.fields = service.validated(r).0.fields
      return r
    }
    let sqlite = SQLiteStore(service: service.definition)
    _ = try sqlite.insert(records, onConflict: .fail)
    let path = folder.file("x.ndjson")
    _ = try transfer.exportStream(from: sqlite, format: .ndjson, to: path, replace: false)
    let json = JSONFileStore(service: service.definition)
    _ = try transfer.importRecords(from: path, format: nil, into: json, onConflict: .fail, dryRun: false)
    assertIdentical(try json.list(.all), try sqlite.list(.all))
  }

  @Test func oneBadRecordMeansNothingIsWrittenAndEveryErrorIsListed() throws {
    try folder.write(
      """
      {"id": "a", "name": "ok"}
      {"id": "b", "name": "", "count": "ten"}
      {"id": "c", "name": "fine"}
      {"id": "d", "count": -1, "name": "x", "owner": {"size": 1}}

      """, to: "in.ndjson")
    for backend in Backend.allCases {
      let store = service.store(backend)
      #expect {
        try transfer.importRecords(
          from: folder.file("in.ndjson"), format: nil, into: store, onConflict: .fail, dryRun: false)
      } throws: { error in
        "\(error)" == """
          line 2 (id 'b'): name: has 0 characters, fewer than the minimum 1
          line 2 (id 'b'): count: expected integer, found "ten"
          line 4 (id 'd'): count: -1 is less than the minimum 0
          line 4 (id 'd'): owner.team: is required
          nothing imported: 2 of 4 records are invalid
          """
      }
      #expect(try store.count(.all) == 0)
    }
    #expect(!FileManager.default.fileExists(atPath: service.definition.stores.json.path))
  }

  @Test func syntaxErrorsInImportFilesNameLineAndColumn() throws {
    try folder.write("{\"id\": \"a\", \"name\": \"ok\"}\n{\"id\": \"b\" \"name\": 1}\n", to: "bad.ndjson")
    #expect {
      try transfer.importRecords(
        from: folder.file("bad.ndjson"), format: nil, into: service.store(.sqlite), onConflict: .fail, dryRun: false)
    } throws: { error in
      "\(error)" == "\(Path.display(folder.file("bad.ndjson"))):2:12: unexpected '\"'; expected ',' or '}'"
    }
    #expect(try service.store(.sqlite).count(.all) == 0)
  }

  /// NDJSON found by sniffing (standard input, a name without a known extension) is read as a
  /// named .ndjson file is: errors name their line, blank lines are skipped.
  @Test func sniffedNDJSONReadsAsNamedNDJSON() throws {
    try folder.write(
      "{\"id\": \"a\", \"name\": \"ok\"}\n \r\n{\"id\": \"b\", \"name\": \"ok\"}\n{\"b\":", to: "bad.txt")
    try folder.write(
      "{\"id\": \"a\", \"name\": \"ok\"}\n \r\n{\"id\": \"b\", \"name\": \"ok\"}\n{\"b\":", to: "bad.ndjson")
    for name in ["bad.txt", "bad.ndjson"] {
      #expect {
        try transfer.importRecords(
          from: folder.file(name), format: nil, into: service.store(.sqlite), onConflict: .fail, dryRun: false)
      } throws: { error in
        "\(error)" == "\(Path.display(folder.file(name))):4:6: unexpected end of text; expected a JSON value"
      }
    }
    #expect(try service.store(.sqlite).count(.all) == 0)
    try folder.write("{\"id\": \"a\", \"name\": \"ok\"}\n\r\n{\"id\": \"b\", \"name\": \"ok\"}\n", to: "good.txt")
    let result = try transfer.importRecords(
      from: folder.file("good.txt"), format: nil, into: service.store(.sqlite), onConflict: .fail, dryRun: false)
    #expect(result.summary == WriteSummary(added: 2))
  }

  /// A store file imports record by record (not built whole), with a full parse's rules:
  /// errors name line and column, and a record's id must be the key it is filed under. An id
  /// given twice is refused, naming both places, into either store (a store file with one is
  /// broken; keeping either record would lose the other).
  @Test func storeFilesImportRecordByRecordWithTheParsersRules() throws {
    let sqlite = service.store(.sqlite)
    try folder.write(
      """
      {
        "b": {"name": "first b", "created_at": "2026-01-01T00:00:00.000Z"},
        "a": {"id": "a", "name": "a"},
        "b": {"id": "b", "name": "second b", "created_at": "2026-01-02T00:00:00.000Z"}
      }
      """, to: "twice.json")
    let twice = Path.display(folder.file("twice.json"))
    for store in [sqlite, service.store(.json)] {
      for dryRun in [false, true] {
        #expect {
          try transfer.importRecords(
            from: folder.file("twice.json"), format: nil, into: store, onConflict: .overwrite, dryRun: dryRun)
        } throws: { error in
          "\(error)"
            == "\(twice):4:3: the id 'b' is given a second time (first at \(twice):2:3); each id may appear only once"
        }
      }
    }
    #expect(try sqlite.count(.all) == 0)
    try folder.write(
      """
      {
        "b": {"id": "b", "name": "second b", "created_at": "2026-01-02T00:00:00.000Z"},
        "a": {"id": "a", "name": "a"}
      }
      """, to: "once.json")
    #expect(
      try transfer.importRecords(
        from: folder.file("once.json"), format: nil, into: sqlite, onConflict: .fail, dryRun: false
      ).summary == WriteSummary(added: 2))
    #expect(try sqlite.list(RecordQuery()).map(\.id) == ["b", "a"])
    #expect(try sqlite.get(ids: ["b"]).first?.fields["name"] == .string("second b"))

    try folder.write(#"{"c": {"id": "c", "name": "c"}, "d": {"id": "e", "name": "d"}}"#, to: "mismatch.json")
    #expect {
      try transfer.importRecords(
        from: folder.file("mismatch.json"), format: nil, into: sqlite, onConflict: .fail, dryRun: false)
    } throws: { error in
      "\(error)".contains(#"record 'd': id: the record's id "e" differs from its key "d""#)
    }
    // The error a full parse gives, where a full parse gives it.
    let broken = "{\"c\": {\"id\": \"c\", \"name\": \"c\"},\n \"d\": {\"name\": \"d\"} x}"
    try folder.write(broken, to: "broken.json")
    var parseError: JSONSyntaxError?
    do { _ = try JSONReader.parse(broken) } catch { parseError = error }
    let expected = try #require(parseError)
    #expect("\(expected)" == "2:21: unexpected 'x'; expected ',' or '}'")
    #expect {
      try transfer.importRecords(
        from: folder.file("broken.json"), format: nil, into: sqlite, onConflict: .fail, dryRun: false)
    } throws: { error in
      "\(error)" == "\(Path.display(folder.file("broken.json"))):\(expected)"
    }
    #expect(try sqlite.count(.all) == 2)
  }

  /// An array of records imports one record at a time (not built whole), with a full parse's
  /// errors, records without an id given one, and others named by their position.
  @Test func arraysOfRecordsImportOneAtATimeWithTheParsersErrors() throws {
    let sqlite = service.store(.sqlite)
    for broken in [
      #"[{"id": "a", "name": "a"}"#, #"[{"id": "a", "name": "a"},]"#, "[1] x", "[", "\n [ {\"count\": 1e999} ]",
      "[\"\\ud800\"]",
    ] {
      try folder.write(broken, to: "broken.json")
      var parseError: JSONSyntaxError?
      do { _ = try JSONReader.parse(broken) } catch { parseError = error }
      let expected = try #require(parseError, "\(broken)")
      #expect(throws: (any Error).self) {
        try transfer.importRecords(
          from: folder.file("broken.json"), format: nil, into: sqlite, onConflict: .fail, dryRun: false)
      }
      do {
        _ = try transfer.importRecords(
          from: folder.file("broken.json"), format: nil, into: sqlite, onConflict: .fail, dryRun: false)
      } catch {
        #expect("\(error)" == "\(Path.display(folder.file("broken.json"))):\(expected)", "\(broken)")
      }
    }
    try folder.write(#"[{"id": "a", "name": "a"}, 5, {"id": "c", "name": ""}]"#, to: "bad.json")
    #expect {
      try transfer.importRecords(
        from: folder.file("bad.json"), format: nil, into: sqlite, onConflict: .fail, dryRun: false)
    } throws: { error in
      let text = "\(error)"
      return text.contains("record #2: expected a record object") && text.contains("record #3 (id 'c'): name:")
    }
    #expect(try sqlite.count(.all) == 0)
    try folder.write(
      #" [ {"id": "a", "name": "a", "score": 1.50} , {"name": "no id"}, {"id": "b", "name": "b\u00e9"} ] "#,
      to: "list.json")
    let result = try transfer.importRecords(
      from: folder.file("list.json"), format: nil, into: sqlite, onConflict: .fail, dryRun: false)
    #expect(result.summary == WriteSummary(added: 3))
    let records = try sqlite.list(RecordQuery())
    #expect(records.count == 3)
    #expect(try sqlite.get(ids: ["b"]).first?.fields["name"] == .string("bé"))
    #expect(try sqlite.get(ids: ["a"]).first?.fields["score"] == .double(1.5))
    #expect(records.contains { $0.fields["name"] == .string("no id") && !$0.id.isEmpty })
    try folder.write("[]", to: "empty.json")
    #expect(
      try transfer.importRecords(
        from: folder.file("empty.json"), format: nil, into: sqlite, onConflict: .fail, dryRun: false
      ).summary == WriteSummary())
  }

  @Test func conflictPoliciesDecideWhatHappensToExistingIDs() throws {
    let store = service.store(.sqlite)
    _ = try store.insert(
      [
        Record(
          id: "a", fields: JSONObject([("name", .string("old"))]), createdAt: "2026-01-01T00:00:00.000Z",
          updatedAt: "2026-01-01T00:00:00.000Z")
      ], onConflict: .fail)
    try folder.write(#"[{"id": "a", "name": "new"}, {"id": "b", "name": "b"}]"#, to: "in.json")
    let path = folder.file("in.json")
    #expect(throws: StoreError.duplicateID(id: "a", location: store.location)) {
      try transfer.importRecords(from: path, format: nil, into: store, onConflict: .fail, dryRun: false)
    }
    #expect(try store.count(.all) == 1)
    let dry = try transfer.importRecords(from: path, format: nil, into: store, onConflict: .overwrite, dryRun: true)
    #expect(dry.summary == WriteSummary(added: 1, updated: 1))
    #expect(try store.get(ids: ["a"]).first?.fields["name"] == .string("old"))
    #expect(
      try transfer.importRecords(from: path, format: nil, into: store, onConflict: .skip, dryRun: false).summary
        == WriteSummary(added: 1, skipped: 1))
    #expect(try store.get(ids: ["a"]).first?.fields["name"] == .string("old"))
    #expect(
      try transfer.importRecords(from: path, format: nil, into: store, onConflict: .overwrite, dryRun: false).summary
        == WriteSummary(updated: 2))
    #expect(try store.get(ids: ["a"]).first?.fields["name"] == .string("new"))
  }

  /// Rows go into SQLite in groups of `SQLiteStore.rowsPerStatement`; a clash inside a group
  /// must still name its record and leave the store as it was.
  @Test(arguments: [(20, 150), (70, 100), (130, 199)])
  func clashesInsideAGroupOfRowsNameTheirRecord(first: Int, second: Int) throws {
    #expect(SQLiteStore.rowsPerStatement < 100)
    let store = service.store(.sqlite)
    func lines(_ transform: (Int) -> String) -> String {
      (0..<200).map(transform).joined(separator: "\n")
    }
    try folder.write(lines { i in #"{"id": "r\#(i == second ? first : i)", "name": "n\#(i)"}"# }, to: "ids.ndjson")
    #expect(throws: StoreError.duplicateID(id: "r\(first)", location: store.location)) {
      try transfer.importRecords(
        from: folder.file("ids.ndjson"), format: .ndjson, into: store, onConflict: .fail, dryRun: false)
    }
    #expect(try store.count(.all) == 0)
    try folder.write(
      lines { i in #"{"id": "r\#(i)", "name": "n", "email": "e\#(i == second ? first : i)@example.com"}"# },
      to: "emails.ndjson")
    #expect(
      throws: StoreError.uniqueViolationInInput(
        field: "email", value: "\"e\(first)@example.com\"", firstID: "r\(first)", id: "r\(second)")
    ) {
      try transfer.importRecords(
        from: folder.file("emails.ndjson"), format: .ndjson, into: store, onConflict: .fail, dryRun: false)
    }
    #expect(try store.count(.all) == 0)
    let clean = try transfer.importRecords(
      from: folder.file("emails.ndjson").replacing("emails", with: "ids"), format: .ndjson, into: store,
      onConflict: .skip, dryRun: false)
    #expect(clean.summary == WriteSummary(added: 199, skipped: 1))
  }

  @Test func pythonTemplateFilesImportAndExportCleanly() throws {
    try folder.write(
      """
      {
        "0f8fad5bd9cb469fa16570867728950e": {
          "name": "from python",
          "count": 2,
          "id": "0f8fad5bd9cb469fa16570867728950e",
          "created_at": "2024-05-01T10:00:00.123456",
          "updated_at": "2024-05-01T10:00:00.123456",
          "tags": ["a"]
        }
      }
      """, to: "data/json/example_items.json")
    let sqlite = SQLiteStore(service: service.definition)
    let result = try transfer.importRecords(
      from: service.definition.stores.json.path, format: nil, into: sqlite, onConflict: .fail, dryRun: false)
    #expect(result.summary == WriteSummary(added: 1))
    let record = try #require(try sqlite.get(ids: ["0f8fad5bd9cb469fa16570867728950e"]).first)
    #expect(record.createdAt == "2024-05-01T10:00:00.123456")
    #expect(record.fields["count"] == .integer(2))
    // The store file holds the same record in other key order: the export changes nothing.
    let export = try transfer.exportJSON(
      from: sqlite, to: service.definition.stores.json.path, mode: .safe, dryRun: false)
    #expect(export.plan?.unchanged == ["0f8fad5bd9cb469fa16570867728950e"])
  }

  @Test func exportRefusesToDropOrChangeRecordsUnlessToldHow() throws {
    let sqlite = SQLiteStore(service: service.definition)
    let json = JSONFileStore(service: service.definition)
    func record(_ id: String, _ name: String) -> Record {
      Record(
        id: id, fields: JSONObject([("name", .string(name))]), createdAt: "2026-01-01T00:00:00.000Z",
        updatedAt: "2026-01-01T00:00:00.000Z")
    }
    _ = try sqlite.insert([record("a", "a"), record("b", "b2")], onConflict: .fail)
    _ = try json.insert([record("b", "b1"), record("only-json", "j")], onConflict: .fail)
    let before = folder.read("data/json/example_items.json")
    #expect {
      try transfer.exportJSON(from: sqlite, to: json.path, mode: .safe, dryRun: false)
    } throws: { error in
      "\(error)"
        == "export refused: it would drop 1 record found only in the file ('only-json') and change 1 record ('b') in \(Path.display(json.path)); nothing written; use --merge to keep them (the database wins on the same id), --replace to overwrite (the old file is kept as .bak), or --dry-run to see the plan"
    }
    #expect(folder.read("data/json/example_items.json") == before)
    let dry = try transfer.exportJSON(from: sqlite, to: json.path, mode: .safe, dryRun: true)
    var expected = RecordTransfer.ExportPlan()
    expected.added = ["a"]
    expected.changed = ["b"]
    expected.dropped = ["only-json"]
    #expect(dry.plan == expected)
    #expect(folder.read("data/json/example_items.json") == before)

    _ = try transfer.exportJSON(from: sqlite, to: json.path, mode: .merge, dryRun: false)
    #expect(
      try json.list(.all).map { "\($0.id)=\($0.fields["name"]?.stringValue ?? "")" }.sorted() == [
        "a=a", "b=b2", "only-json=j",
      ])

    _ = try transfer.exportJSON(from: sqlite, to: json.path, mode: .replace, dryRun: false)
    #expect(try json.list(.all).map(\.id) == ["a", "b"])
    #expect(folder.read("data/json/example_items.json.bak")?.contains("only-json") == true)
  }

  /// Two spellings of "é" are two ids in both stores: a merge keeps the file's record and adds
  /// SQLite's, and a unique value they share is refused in the JSON store as SQLite refuses it.
  @Test func idsThatDifferOnlyInUnicodeSpellingStayApart() throws {
    let composed = "\u{E9}"
    let decomposed = "e\u{301}"
    let sqlite = SQLiteStore(service: service.definition)
    let json = JSONFileStore(service: service.definition)
    func record(_ id: String, _ name: String, email: String? = nil) -> Record {
      var fields = JSONObject([("name", .string(name))])
      if let email { fields["email"] = .string(email) }
      return Record(
        id: id, fields: fields, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z")
    }
    _ = try sqlite.insert([record(composed, "from sqlite")], onConflict: .fail)
    _ = try json.insert([record(decomposed, "from json")], onConflict: .fail)
    _ = try transfer.exportJSON(from: sqlite, to: json.path, mode: .merge, dryRun: false)
    let names = try json.list(.all).map { "\(Array($0.id.utf8))=\($0.fields["name"]?.stringValue ?? "")" }.sorted()
    #expect(names == ["\(Array(composed.utf8))=from sqlite", "\(Array(decomposed.utf8))=from json"].sorted())

    for store in [sqlite as RecordStore, json] {
      _ = try store.delete(matching: .all)
      #expect(throws: StoreError.self) {
        try store.insert(
          [record(composed, "a", email: "same@x"), record(decomposed, "b", email: "same@x")], onConflict: .fail)
      }
    }
  }

  @Test func csvImportTypesCellsByTheSchema() throws {
    try folder.write(
      "id,name,count,score,ok,tags,meta,extra\r\nx,\"a, \"\"b\"\"\",3,2.5,true,\"[\"\"t\"\"]\",\"{\"\"k\"\":1}\",\"\"\"s\"\"\"\r\ny,\"\",,,,,,\n",
      to: "in.csv")
    var issues: [String] = []
    var values: [JSONValue] = []
    try transfer.readRecords(path: folder.file("in.csv"), format: nil) { label, _, value in
      values.append(value)
      issues.append(label.description)
    }
    #expect(issues == [folder.file("in.csv") + ":2", folder.file("in.csv") + ":3"].map { Path.display($0) })
    #expect(
      values[0]
        == .object(
          JSONObject([
            ("id", .string("x")), ("name", .string("a, \"b\"")), ("count", .integer(3)), ("score", .double(2.5)),
            ("ok", .bool(true)), ("tags", .array([.string("t")])), ("meta", .object(JSONObject([("k", .integer(1))]))),
            ("extra", .string("s")),
          ])))
    #expect(values[1] == .object(JSONObject([("id", .string("y")), ("name", .string(""))])))
  }
}

extension RecordTransferTests {
  /// The CSV codec reads what it writes: CRLF or LF rows, a CR or CRLF inside a quoted cell kept,
  /// a UTF-8 byte order mark before the header skipped; `""` is an empty string, an empty cell a
  /// missing value, `null` null and `"null"` the text.
  @Test func csvReadsCRLFAndLFAlikeAndSkipsAByteOrderMark() throws {
    let rows = "\u{FEFF}id,name,extra\r\nx,\"a\r\nb\",\"\"\"null\"\"\"\ny,\"\",null\r\nz,\"c\rd\",\n"
    try folder.write(rows, to: "in.csv")
    var values: [JSONValue] = []
    try transfer.readRecords(path: folder.file("in.csv"), format: .csv) { _, _, value in values.append(value) }
    #expect(
      values == [
        .object(JSONObject([("id", .string("x")), ("name", .string("a\r\nb")), ("extra", .string("null"))])),
        .object(JSONObject([("id", .string("y")), ("name", .string("")), ("extra", .null)])),
        .object(JSONObject([("id", .string("z")), ("name", .string("c\rd"))])),
      ])
    // And the codec writes them back as it read them.
    let record = Record(
      id: "x", fields: JSONObject([("name", .string("a\r\nb")), ("extra", .string("null"))]), createdAt: "c",
      updatedAt: "u")
    let schema = service.definition.schema
    #expect(
      CSVCodec.row(
        record, columns: [FieldPath(["id"]), FieldPath(["name"]), FieldPath(["extra"]), FieldPath(["count"])],
        schema: schema) == "x,\"a\r\nb\",\"\"\"null\"\"\",\r\n")
    #expect(CSVCodec.cell(.string(""), type: .string) == "\"\"")
    #expect(CSVCodec.cell(.null, type: .string) == "null")
    #expect(CSVCodec.cell(.string("null"), type: .string) == "\"null\"")
  }

  /// A header naming a column twice is refused; every CSV error names the file; without a
  /// place to list them, the first bad row is the error.
  @Test func csvErrorsNameTheFile() throws {
    let cases: [(String, String)] = [
      ("id,name,name\nx,a,b\n", ":1: column 'name' is given twice"),
      ("id,nmae\nx,a\n", ":1: unknown column 'nmae'; did you mean 'name'?"),
      ("id,name\nx,\"a\"b\n", ":2: unexpected text after the closing quote of cell 2"),
      ("id,name\nx,\"open\n", ":2: a quoted CSV field is not closed"),
      ("id,name\nx\n", ":2: expected 2 cells as in the header, found 1"),
      ("id,count\nx,1\ny,z\n", ":3: count: expected integer, found \"z\""),
    ]
    for (text, message) in cases {
      try folder.write(text, to: "bad.csv")
      do {
        try transfer.readRecords(path: folder.file("bad.csv"), format: .csv) { _, _, _ in }
        Issue.record("no error for \(text.debugDescription)")
      } catch {
        #expect("\(error)" == Path.display(folder.file("bad.csv")) + message)
      }
    }
  }

  /// Export re-indents SQLite's compact text instead of building records; the file must be
  /// byte for byte what the JSON store itself writes for the same records.
  @Test func exportWritesExactlyWhatTheJSONStoreWrites() throws {
    let records = generatedRecords(40).map {
      var r = $0
      r.fields = service.validated(r).0.fields
      return r
    }
    let sqlite = SQLiteStore(service: service.definition)
    _ = try sqlite.insert(records, onConflict: .fail)
    let path = folder.file("exported.json")
    _ = try transfer.exportJSON(from: sqlite, to: path, mode: .safe, dryRun: false)
    let expected = JSONFileStore.encode(try sqlite.list(.all), schema: service.definition.schema)
    #expect(folder.read("exported.json") == String(decoding: expected, as: UTF8.self))
  }
}
