import PostgresTestSupport
import Testing

@testable import ProjectCore

/// A small deterministic generator, so that every run sees the same cases.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// The same query on the same records gives the same records in the same order on every store;
/// SQLite is the reference.
@Suite struct QueryEquivalenceTests {
  static let names = [
    "alpha", "Alpha", "beta", "ünïcode", "é", "e\u{301}", "日本", "a b", "", "zeta", "a%b_c", "quo\"te", "O'Brien", "😀",
  ]

  static func randomRecords(_ rng: inout SplitMix64, count: Int) -> [Record] {
    let stamps = [
      "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.001Z", "2026-06-15T12:30:00.000Z", "2025-12-31T23:59:59.999Z",
    ]
    func maybe(_ value: @autoclosure () -> JSONValue) -> JSONValue? {
      Int.random(in: 0..<5, using: &rng) == 0 ? nil : value()
    }
    var records: [Record] = []
    for i in 0..<count {
      var fields = JSONObject()
      fields["name"] = .string(names.randomElement(using: &rng)!)
      fields["count"] = maybe(.integer(Int64.random(in: -3...5, using: &rng)))
      fields["score"] = maybe(
        Bool.random(using: &rng)
          ? .double([0.5, 1.0, 2.25, -1.5, 3.0].randomElement(using: &rng)!)
          : .integer(Int64.random(in: -1...3, using: &rng)))
      fields["ok"] = maybe(.bool(Bool.random(using: &rng)))
      fields["when"] = maybe(.string(stamps.randomElement(using: &rng)!))
      fields["day"] = maybe(.string(["2026-01-01", "2026-02-28", "2025-12-31"].randomElement(using: &rng)!))
      fields["status"] = maybe(.string(["active", "archived"].randomElement(using: &rng)!))
      fields["tags"] = maybe(
        .array(
          (0..<Int.random(in: 0...3, using: &rng)).map { _ in .string(["x", "y", "z", "ü"].randomElement(using: &rng)!)
          }))
      // Now and then what another tool stored: a bare value, a null, elements of other types.
      if Int.random(in: 0..<8, using: &rng) == 0 {
        fields["tags"] = [
          JSONValue.null, .string("x"), .integer(1), .array([.null, .string("y")]), .array([.integer(1), .bool(true)]),
          .array([.array([.string("x")])]), .object(JSONObject([("x", .integer(1))])),
        ].randomElement(using: &rng)!
      }
      if Bool.random(using: &rng) {
        fields["meta"] = .object(
          JSONObject([
            ("owner", [JSONValue.string("ops"), .string("dev"), .integer(1), .null].randomElement(using: &rng)!)
          ]))
      }
      fields["owner"] = maybe(
        .object(
          JSONObject([
            ("team", .string(["red", "blue", "Red"].randomElement(using: &rng)!)),
            ("size", .integer(Int64.random(in: 1...4, using: &rng))),
          ])))
      fields["extra"] = maybe(
        [
          JSONValue.integer(2), .double(2.0), .string("2"), .string("x"), .bool(true), .null, .array([.integer(1)]),
          .object(JSONObject([("k", .integer(1))])), .bool(false), .integer(-1), .double(-0.0), .double(0.1),
          .double(1e-7), .integer(9_007_199_254_740_993), .double(9_007_199_254_740_992), .integer(.max),
          .integer(.min), .double(1e19), .integer(1 << 60), .double(Double(1 << 60)),
          .double(-9_223_372_036_854_775_808.0), .double(-1e300), .string(""), .string("é"), .string("e\u{301}"),
          .string("\u{7f}"), .string("a\"b"), .string("\\"), .array([]), .array([.string("é"), .null]),
          .object(JSONObject()), .object(JSONObject([("b", .double(1.0)), ("a", .string("\u{2028}"))])),
        ].randomElement(using: &rng)!)
      // Keys the schema does not name, as a field removed from the manifest leaves them.
      fields["legacy"] = maybe(
        [
          JSONValue.integer(42), .double(42.0), .string("42"), .string("x"), .null, .bool(false), .integer(0),
          .array([.string("x")]), .object(JSONObject([("k", .null)])),
        ].randomElement(using: &rng)!)
      if Bool.random(using: &rng) {
        var old = JSONObject()
        old["a b"] = maybe(
          [JSONValue.string(names.randomElement(using: &rng)!), .integer(1), .null].randomElement(using: &rng)!)
        fields["it's"] = .object(old)
      }
      let stamp = stamps.randomElement(using: &rng)!
      records.append(
        Record(
          id: "r\(String(i, radix: 36))-\(Int.random(in: 0...9, using: &rng))", fields: fields, createdAt: stamp,
          updatedAt: stamp))
    }
    return records
  }

  static let filterTemplates: [[String]] = [
    ["name=%s", "name!=%s", "name<%s", "name>=%s", "name~%p", "name!~%p", "name in (%s,%s)", "not name in (%s)"],
    ["count=%i", "count!=%i", "count<%i", "count>=%i", "count in (%i,%i)", "count exists", "count not exists"],
    ["score=%n", "score>%n", "score<=%n", "score!=%n", "score exists"],
    ["ok=true", "ok=false", "ok!=true", "ok exists", "not ok=false"],
    ["when>%d", "when<=%d", "when=2026-01-01T00:00:00.000Z", "when exists"],
    ["day>=2026-01-01", "day=2025-12-31", "day<2026-02-28"],
    ["status=active", "status!=archived", "status in (active)", "status not exists"],
    [
      "tags=x", "tags!=y", "tags in (z,ü)", "tags~ü", "tags exists", "tags not exists", "tags>x", "tags<y",
      "not tags=x", "tags!~x", "tags not in (x,y)", "tags>=''",
    ],
    ["meta.owner=ops", "meta.owner=1", "meta.owner exists", "meta.owner!=dev", "meta exists", "meta.owner>a"],
    ["owner.team=red", "owner.team~e", "owner.size>=2", "owner.size in (1,3)", "owner exists"],
    [
      "extra=2", "extra=x", "extra!=2", "extra>1", "extra~\"", "extra exists", "extra=true", "extra=null",
      "extra!=null", "extra in (null,2,x)", "extra not in (2,false)", "extra=0", "extra=-0", "extra<0.1",
      "extra<=0.1", "extra>1e-8", "extra=9007199254740993", "extra>9007199254740992", "extra>=9223372036854775807",
      "extra=1152921504606846976", "extra<=1152921504606846975",
      "extra<-9223372036854775808", "extra>1e18", "extra<=-1e300", "extra=''", "extra>''", "extra<'e'", "extra~é",
      "extra~\\", #"extra=[]"#, #"extra={}"#, #"extra>["é"]"#, #"extra={"b":1.0,"a":"\u2028"}"#, "extra=false",
      "not extra=2", "extra<x", "extra>=é",
    ],
    ["created_at>2026-01-01", "created_at<=2026-01-01T00:00:00.001Z", "id>r5", "id~-1", "updated_at exists"],
    [
      "$.legacy=42", "$.legacy='42'", "$.legacy=null", "$.legacy!=null", "$.legacy in (null,x)",
      "$.legacy not in (42,null)", "$.legacy exists", "$.legacy not exists", "$.legacy>1", "$.legacy~4",
      "$.legacy=false", #"$.legacy=["x"]"#, "not $.legacy=null",
    ],
    [
      #"$."it's"."a b"=%s"#, #"$."it's"."a b"~%p"#, #"$."it's" exists"#, #"$."it's"."a b"=null"#,
      #"$."it's"."a b" in (1,%s)"#, "$.name=%s", "$.count>=%i", "$.tags=x", "$.meta.owner=null",
      "meta.owner=null", "meta.owner in (null,ops)", "extra=null", "$.id>r5", "$.created_at>2026-01-01",
    ],
  ]

  static func randomFilter(_ rng: inout SplitMix64) -> String {
    var text = filterTemplates.randomElement(using: &rng)!.randomElement(using: &rng)!
    func fill(_ token: String, _ make: () -> String) {
      while let range = text.range(of: token) { text.replaceSubrange(range, with: make()) }
    }
    fill("%s") { names.filter { !$0.contains(",") && !$0.contains("\"") && !$0.isEmpty }.randomElement(using: &rng)! }
    fill("%p") { ["a", "é", "b", "ü", "%", "_", "'", "日"].randomElement(using: &rng)! }
    fill("%i") { String(Int.random(in: -2...4, using: &rng)) }
    fill("%n") { ["1", "1.0", "2.25", "-1.5", "0"].randomElement(using: &rng)! }
    fill("%d") { ["2026-01-01", "2026-01-01T00:00:00Z", "2025-12-31T23:59:59.999Z"].randomElement(using: &rng)! }
    return text
  }

  static let sortable = [
    "name", "count", "score", "ok", "when", "day", "status", "tags", "meta.owner", "owner.team", "owner.size", "extra",
    "created_at", "id", "updated_at", "$.legacy", #"$."it's"."a b""#, "$.tags", "$.meta",
  ]

  /// A random query: up to three filters, up to two sort keys, sometimes a window.
  static func randomQuery(_ rng: inout SplitMix64, _ parser: FilterParser) throws -> RecordQuery {
    var query = RecordQuery()
    for _ in 0..<Int.random(in: 0...3, using: &rng) {
      query.filters.append(try parser.parseFilter(Self.randomFilter(&rng)))
    }
    for _ in 0..<Int.random(in: 0...2, using: &rng) {
      let key = Self.sortable.randomElement(using: &rng)!
      query.sort.append(try parser.parseSort(key + (Bool.random(using: &rng) ? ":desc" : "")))
    }
    if Int.random(in: 0..<3, using: &rng) == 0 {
      query.limit = Bool.random(using: &rng) ? Int.random(in: 0...20, using: &rng) : nil
      query.offset = Int.random(in: 0...10, using: &rng)
    }
    return query
  }

  /// How a failed case shows: the query as SQLite and PostgreSQL run it.
  static func describe(_ query: RecordQuery) -> String {
    let sqlite = SQLQueryCompiler.compile(query)
    let postgres = PostgresQueryCompiler.compile(query)
    return "\(sqlite.whereClause) \(sqlite.orderClause) \(sqlite.bindings); postgres: \(postgres.whereClause) "
      + "\(postgres.orderClause) \(postgres.parameters.map { String(decoding: $0.value ?? [], as: UTF8.self) })"
  }

  /// Where two answers part: the first position that differs, with the record found there on
  /// each side.
  static func difference(_ expected: [String], _ listed: [String], _ records: [Record]) -> String {
    let position =
      (0..<min(expected.count, listed.count)).first { expected[$0] != listed[$0] } ?? min(expected.count, listed.count)
    func show(_ ids: [String]) -> String {
      guard position < ids.count, let record = records.first(where: { $0.id == ids[position] }) else {
        return "nothing"
      }
      return "\(record.id) \(JSONWriter.string(.object(record.fields)))"
    }
    return
      "\(expected.count) vs \(listed.count) records, first difference at \(position): \(show(expected)) vs \(show(listed))"
  }

  @Test func randomQueriesAgreeOnEveryBackend() throws {
    let folder = TemporaryFolder()
    let definition = try Fixtures.serviceOnEveryBackend(in: folder)
    var rng = SplitMix64(state: 20_261_130)
    let records = Self.randomRecords(&rng, count: 300)
    // SQLite is the reference; the JSON store (in memory, RecordMatcher) and PostgreSQL must
    // give its records in its order.
    let stores = try Backend.allCases.map { backend in
      let store = StoreFactory.store(backend, for: definition)
      _ = try store.insert(records, onConflict: .fail)
      return (backend, store)
    }
    let reference = try #require(stores.first { $0.0 == .sqlite }?.1)
    let others = stores.filter { $0.0 != .sqlite }
    let parser = FilterParser(schema: definition.schema)
    var nonEmpty = 0
    for caseNumber in 0..<600 {
      let query = try Self.randomQuery(&rng, parser)
      let expected = try reference.list(query).map(\.id)
      for (backend, store) in others {
        let listed = try store.list(query).map(\.id)
        if expected != listed {
          Issue.record(
            "case \(caseNumber), \(backend): \(Self.difference(expected, listed, records)); \(Self.describe(query))")
        }
        if caseNumber % 4 == 0 {
          #expect(
            try reference.count(query) == store.count(query), "case \(caseNumber), \(backend): \(Self.describe(query))")
        }
      }
      if !expected.isEmpty && expected.count < records.count { nonEmpty += 1 }
    }
    // The cases must discriminate: most select some records but not all.
    #expect(nonEmpty > 300)
    // delete --where removes the same records everywhere: the counts agree, and so does what is left.
    var partial = 0
    var remaining = records.count
    for caseNumber in 0..<20 {
      let filters = try (0..<2).map { _ in try parser.parseFilter(Self.randomFilter(&rng)) }
      let query = RecordQuery(filters: filters)
      let count = try reference.delete(matching: query)
      if count > 0 && count < remaining { partial += 1 }
      remaining -= count
      for (backend, store) in others {
        #expect(try store.delete(matching: query) == count, "delete \(caseNumber), \(backend): \(Self.describe(query))")
        #expect(try store.list(.all).map(\.id) == reference.list(.all).map(\.id), "delete \(caseNumber), \(backend)")
      }
    }
    #expect(partial > 5 && remaining > 0)
  }

  @Test func everyOperatorSelectsTheExpectedRecords() throws {
    let folder = TemporaryFolder()
    let definition = try Fixtures.serviceOnEveryBackend(in: folder)
    let service = RecordService(definition: definition)
    let parser = FilterParser(schema: definition.schema)
    func make(_ id: String, _ json: String) throws -> Record {
      var r = try service.newRecord(
        fields: try #require(try JSONReader.parse(json).objectValue), now: "2026-01-01T00:00:00.000Z")
      r.id = id
      return r
    }
    let records = [
      try make("a", #"{"name": "apple", "count": 1, "tags": ["x", "y"], "meta": {"owner": "ops"}}"#),
      try make("b", #"{"name": "banana", "count": 5, "score": 2.5, "tags": ["y"]}"#),
      try make("c", #"{"name": "cherry", "count": 3, "score": 3, "status": "archived"}"#),
    ]
    for backend in Backend.allCases {
      let store = service.store(backend)
      _ = try store.insert(records, onConflict: .fail)
      func ids(_ filters: String...) throws -> [String] {
        try store.list(RecordQuery(filters: filters.map { text throws(QueryError) in try parser.parseFilter(text) }))
          .map(\.id)
      }
      #expect(try ids("name=apple") == ["a"], "\(backend)")
      #expect(try ids("name!=apple") == ["b", "c"], "\(backend)")
      #expect(try ids("count<3") == ["a"], "\(backend)")
      #expect(try ids("count<=3") == ["a", "c"], "\(backend)")
      #expect(try ids("count>3") == ["b"], "\(backend)")
      #expect(try ids("count>=3") == ["b", "c"], "\(backend)")
      #expect(try ids("name~an") == ["b"], "\(backend)")
      #expect(try ids("name!~an") == ["a", "c"], "\(backend)")
      #expect(try ids("name in (apple, cherry)") == ["a", "c"], "\(backend)")
      #expect(try ids("name not in (apple)") == ["b", "c"], "\(backend)")
      #expect(try ids("score exists") == ["b", "c"], "\(backend)")
      #expect(try ids("score not exists") == ["a"], "\(backend)")
      #expect(try ids("score>=2.5", "score<3") == ["b"], "\(backend)")
      #expect(try ids("score=3.0") == ["c"], "\(backend)")
      #expect(try ids("tags=y") == ["a", "b"], "\(backend)")
      #expect(try ids("tags!=x") == ["b", "c"], "\(backend)")
      #expect(try ids("meta.owner=ops") == ["a"], "\(backend)")
      #expect(try ids("status=archived") == ["c"], "\(backend)")
      #expect(try ids("not status=archived") == ["a", "b"], "\(backend)")
      #expect(
        try store.list(RecordQuery(sort: [try parser.parseSort("count:desc")], limit: 2)).map(\.id) == ["b", "c"],
        "\(backend)")
      #expect(
        try store.list(RecordQuery(sort: [try parser.parseSort("score")], offset: 1)).map(\.id) == ["b", "c"],
        "\(backend)")
    }
  }

  /// Past 2^53 a double is an integer that its shortest text does not always spell exactly
  /// (2^60 is written `1.152921504606847e+18`). SQLite compares it with an integer by its exact
  /// value, and so must every store: in filters, in `in`, in ties of the order, and in literals.
  @Test func integersPast2To53CompareExactlyWithDoubles() throws {
    let folder = TemporaryFolder()
    let definition = try Fixtures.serviceOnEveryBackend(in: folder)
    let parser = FilterParser(schema: definition.schema)
    let twoTo60: Int64 = 1 << 60
    func make(_ id: String, _ value: JSONValue, _ stamp: String) -> Record {
      Record(
        id: id, fields: JSONObject([("name", .string(id)), ("legacy", value)]), createdAt: stamp, updatedAt: stamp)
    }
    let records = [
      make("int", .integer(twoTo60), "2026-01-02T00:00:00.000Z"),
      make("double", .double(Double(twoTo60)), "2026-01-01T00:00:00.000Z"),
      make("next", .integer(twoTo60 + 1), "2026-01-03T00:00:00.000Z"),
      make("below", .double(Double(twoTo60) - 256), "2026-01-04T00:00:00.000Z"),
      make("min", .double(-9_223_372_036_854_775_808.0), "2026-01-05T00:00:00.000Z"),
      make("intmin", .integer(.min), "2026-01-06T00:00:00.000Z"),
    ]
    #expect(JSONWriter.string(.double(Double(twoTo60))) == "1.152921504606847e+18")
    for backend in Backend.allCases {
      let store = StoreFactory.store(backend, for: definition)
      _ = try store.insert(records, onConflict: .fail)
      func ids(_ filter: String, sort: String? = nil) throws -> [String] {
        try store.list(
          RecordQuery(
            filters: [try parser.parseFilter(filter)], sort: try sort.map { [try parser.parseSort($0)] } ?? [])
        ).map(\.id)
      }
      #expect(try ids("$.legacy=1152921504606846976") == ["double", "int"], "\(backend)")
      #expect(try ids("$.legacy=1.152921504606847e18") == ["double", "int"], "\(backend)")
      #expect(try ids("$.legacy>1152921504606846976") == ["next"], "\(backend)")
      #expect(try ids("$.legacy<1152921504606846976") == ["below", "min", "intmin"], "\(backend)")
      #expect(
        try ids("$.legacy in (1152921504606846977, -9223372036854775808)") == ["next", "min", "intmin"], "\(backend)")
      #expect(
        try ids("$.legacy exists", sort: "$.legacy:desc") == ["next", "double", "int", "below", "min", "intmin"],
        "\(backend)")
      #expect(try store.count(RecordQuery(filters: [try parser.parseFilter("$.legacy<=-9223372036854775808")])) == 2)
    }
  }

  @Test func badFiltersAreClearErrors() {
    let parser = FilterParser(schema: try! Fixtures.service(in: TemporaryFolder()).schema)
    func message(_ text: String) -> String {
      do {
        _ = try parser.parseFilter(text)
        return "no error"
      } catch {
        return error.message
      }
    }
    #expect(message("count>=x") == "--where 'count>=x': 'x' is not an integer")
    #expect(message("cuont=1") == "--where 'cuont=1': unknown field 'cuont'; did you mean 'count'?")
    #expect(
      message("status=actve")
        == "--where 'status=actve': 'actve' is not one of active, archived; did you mean 'active'?")
    #expect(
      message("when>yesterday")
        == "--where 'when>yesterday': 'yesterday' is not a date-time such as 2026-11-30T16:04:45Z or a date such as 2026-11-30"
    )
    #expect(
      message("count")
        == "--where 'count': expected an operator after 'count': =, !=, <, <=, >, >=, ~, !~, in (...), exists")
    #expect(message("count~1") == "--where 'count~1': '~' needs a text field, and this one is integer")
    #expect(
      message("owner=x")
        == "--where 'owner=x': 'owner' is an object; compare one of its fields (owner.NAME) or test 'owner exists'")
    #expect(message("na'me=x").hasPrefix("--where 'na'me=x': expected an operator after 'na'"))
    #expect(message("ok<true") == "--where 'ok<true': a boolean field takes =, !=, in or exists")
  }

  @Test func valuesWithQuotesAndWildcardsAreBoundNotSpliced() throws {
    let definition = try Fixtures.service(in: TemporaryFolder())
    let filter = try FilterParser(schema: definition.schema).parseFilter("name='; DROP TABLE example_items; --%_")
    let compiled = SQLQueryCompiler.compile(RecordQuery(filters: [filter]))
    #expect(compiled.whereClause == "WHERE json_extract(data, '$.name') = ?")
    #expect(compiled.bindings == [.text("'; DROP TABLE example_items; --%_")])
  }

  @Test func pathsOutsideTheSchemaAreReadAsSQLiteWritesThem() throws {
    let parser = FilterParser(schema: try Fixtures.service(in: TemporaryFolder()).schema)
    let filter = try parser.parseFilter(#"$."it's".a-b."x.y".café = null"#)
    #expect(filter.path == FieldPath(["it's", "a-b", "x.y", "café"]))
    #expect(filter.values == [.null] && filter.op == .equal && !filter.negated && !filter.matchesElements)
    // A schema array written `$.` is one value, not its elements.
    #expect(try parser.parseFilter("$.tags=x").matchesElements == false)
    #expect(try parser.parseFilter("tags=x").matchesElements == true)
    #expect(try parser.parseFilter("$.legacy='3'").values == [.string("3")])
    #expect(try parser.parseFilter("$.legacy=3").values == [.integer(3)])
    #expect(try parser.parseFilter("$.legacy in (null, 'null', true)").values == [.null, .string("null"), .bool(true)])
    #expect(try parser.parseFilter("$.legacy~null").values == [.string("null")])
    #expect(try parser.parseSort(#"$."a:b":desc"#) == SortKey(path: FieldPath(["a:b"]), descending: true))
    #expect(try parser.parseSort("$.legacy") == SortKey(path: FieldPath(["legacy"]), descending: false))
    #expect(
      try parser.parseFields(#"id, $."a,b".c,name ,$.legacy"#)
        == [FieldPath(["id"]), FieldPath(["a,b", "c"]), FieldPath(["name"]), FieldPath(["legacy"])])
  }

  @Test func badPathsOutsideTheSchemaAreClearErrors() throws {
    let parser = FilterParser(schema: try Fixtures.service(in: TemporaryFolder()).schema)
    func message(_ body: () throws(QueryError) -> Void) -> String {
      do {
        try body()
        return "no error"
      } catch {
        return error.message
      }
    }
    func filter(_ text: String) -> String { message { () throws(QueryError) in _ = try parser.parseFilter(text) } }
    #expect(filter("$=1") == #"--where '$=1': expected a key after '$.', as in $.legacy or $."a b".c"#)
    #expect(
      filter("$.a..b=1")
        == #"--where '$.a..b=1': '$.a.' needs a key after each '.': letters, digits, '_' and '-', or other text in double quotes, as in $."a b".c"#
    )
    #expect(
      filter(#"$.""=1"#)
        == #"--where '$.""=1': '$.""' needs a key after each '.': letters, digits, '_' and '-', or other text in double quotes, as in $."a b".c"#
    )
    #expect(filter(#"$."a b=1"#) == #"--where '$."a b=1': unterminated quote in the path '$."a b=1'"#)
    #expect(
      filter(#"$."a\b"=1"#)
        == #"--where '$."a\b"=1': the key "a\\b" holds a backslash or a control character, which a path cannot name"#)
    #expect(
      filter("$.a[0]=1") == "--where '$.a[0]=1': '$.a[': a path cannot index into an array; compare the whole value")
    #expect(
      filter("$.a<null")
        == "--where '$.a<null': null can only be compared with =, !=, in or not in; quote it to compare it as text")
    #expect(
      filter("legacy exists")
        == "--where 'legacy exists': unknown field 'legacy'; fields are id, created_at, updated_at, name, count, score, ok, when, day, status, tags, meta, owner, extra, email; write '$.legacy' for a key outside the schema"
    )
    #expect(
      message { () throws(QueryError) in _ = try parser.parseSort("$.a:up") }
        == "--sort '$.a:up': expected FIELD, FIELD:asc or FIELD:desc")
    #expect(
      message { () throws(QueryError) in _ = try parser.parseFields(#"$."a" b"#) }
        == #"--fields: expected a comma after '$."a"'"#)
  }

  @Test func keysSQLCannotTakePlainlyAreBoundNotSpliced() throws {
    let parser = FilterParser(schema: try Fixtures.service(in: TemporaryFolder()).schema)
    let query = RecordQuery(
      filters: [
        try parser.parseFilter(#"$."x'); DROP TABLE example_items; --".k in (1, null)"#),
        try parser.parseFilter("$.legacy~a"),
      ],
      sort: [try parser.parseSort(#"$."it's":desc"#)], limit: 2)
    let compiled = SQLQueryCompiler.compile(query)
    #expect(
      compiled.whereClause
        == "WHERE (json_extract(data, ?) IN (?) OR json_type(data, ?) = 'null') AND (typeof(json_extract(data, '$.legacy')) = 'text' AND instr(json_extract(data, '$.legacy'), ?) > 0)"
    )
    #expect(compiled.orderClause == #"ORDER BY json_extract(data, ?) DESC, "created_at", "id""#)
    let path = SQLScalar.text(#"$."x'); DROP TABLE example_items; --".k"#)
    #expect(compiled.bindings == [path, .integer(1), path, .text("a"), .text(#"$."it's""#), .integer(2), .integer(0)])
  }
}
