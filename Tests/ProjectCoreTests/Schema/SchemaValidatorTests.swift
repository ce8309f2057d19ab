import Testing

@testable import ProjectCore

@Suite struct SchemaValidatorTests {
  let validator: SchemaValidator

  init() throws {
    validator = SchemaValidator(schema: try Fixtures.service(in: TemporaryFolder()).schema)
  }

  func issues(_ json: String, defaults: Bool = true) throws -> [String] {
    let object = try #require(try JSONReader.parse(json).objectValue)
    return validator.validate(object, applyDefaults: defaults).1.map(\.description)
  }

  @Test func validRecordGetsDefaultsInSchemaOrder() throws {
    let object = try #require(try JSONReader.parse(#"{"tags": ["x"], "name": "a"}"#).objectValue)
    let (result, problems) = validator.validate(object, applyDefaults: true)
    #expect(problems.isEmpty)
    #expect(result.keys == ["name", "count", "status", "tags"])
    #expect(result["count"] == .integer(0))
  }

  /// Keys come out in schema order at every depth, unknown ones after them in their order; an
  /// object already in order is returned as it came.
  @Test func keysComeOutInSchemaOrderAtEveryDepth() throws {
    func keys(_ json: String, defaults: Bool = false) throws -> [String] {
      let object = try #require(try JSONReader.parse(json).objectValue)
      let result = validator.validate(object, applyDefaults: defaults).0
      let owner = result["owner"]?.objectValue.map { ["owner: " + $0.keys.joined(separator: ",")] } ?? []
      return result.keys + owner
    }
    let whole = #"{"name": "a", "count": 1, "status": "active", "tags": ["x"], "owner": {"team": "t", "size": 1}}"#
    #expect(try keys(whole) == ["name", "count", "status", "tags", "owner", "owner: team,size"])
    let object = try #require(try JSONReader.parse(whole).objectValue)
    #expect(validator.validate(object, applyDefaults: false).0 == object)
    #expect(try keys(#"{"name": "a", "owner": {"size": 1, "team": "t"}}"#) == ["name", "owner", "owner: team,size"])
    #expect(try keys(#"{"owner": {"team": "t"}, "name": "a"}"#) == ["name", "owner", "owner: team"])
    #expect(try keys(#"{"zzz": 1, "name": "a", "yyy": 2}"#) == ["name", "zzz", "yyy"])
    #expect(
      try keys(#"{"name": "a", "owner": {"team": "t"}}"#, defaults: true) == [
        "name", "count", "status", "tags", "owner", "owner: team",
      ])
    let meta = try #require(try JSONReader.parse(#"{"name": "a", "meta": {"z": 1, "a": 2}}"#).objectValue)
    #expect(validator.validate(meta, applyDefaults: false).0["meta"]?.objectValue?.keys == ["z", "a"])
  }

  /// Keys are matched by their bytes, as SQLite's `json_extract` matches them: a key spelled
  /// with KELVIN SIGN (which `==` takes for "K") is not the field `Kind`, and is reported.
  @Test func keysMatchFieldsByTheirBytes() throws {
    let manifest = try ManifestLoader.parse(
      Array(
        """
        version: 1
        app: a
        services:
          s:
            fields:
              Kind: { type: string, required: true }
        """.utf8), path: "/tmp/m.yaml")
    let validator = SchemaValidator(schema: try #require(manifest.service(named: "s")).schema)
    let object = try #require(try JSONReader.parse(#"{"\u212Aind": "x"}"#).objectValue)
    let issues = validator.validate(object, applyDefaults: false).1.map(\.description)
    #expect(issues == ["Kind: is required", "\u{212A}ind: unknown field; did you mean 'Kind'?"])
  }

  @Test func everyTypeMismatchNamesPathAndValue() throws {
    #expect(try issues(#"{"name": "a", "count": "ten"}"#) == [#"count: expected integer, found "ten""#])
    #expect(try issues(#"{"name": "a", "count": 1.5}"#) == ["count: expected integer, found 1.5"])
    #expect(try issues(#"{"name": "a", "score": "x"}"#) == [#"score: expected number, found "x""#])
    #expect(try issues(#"{"name": "a", "ok": 1}"#) == ["ok: expected boolean, found 1"])
    #expect(
      try issues(#"{"name": "a", "when": "2026-11-30"}"#) == [
        #"when: expected an RFC 3339 date-time such as 2026-11-30T16:04:45Z, found "2026-11-30""#
      ])
    #expect(
      try issues(#"{"name": "a", "day": "2026-02-30"}"#) == [
        #"day: expected a date such as 2026-11-30, found "2026-02-30""#
      ])
    #expect(
      try issues(#"{"name": "a", "status": "actve"}"#) == [
        #"status: expected one of active, archived, found "actve"; did you mean 'active'?"#
      ])
    #expect(try issues(#"{"name": "a", "tags": ["x", 2]}"#) == ["tags[1]: expected string, found 2"])
    #expect(try issues(#"{"name": "a", "meta": []}"#) == ["meta: expected object, found []"])
    #expect(
      try issues(#"{"name": "a", "owner": {"size": "big"}}"#) == [
        "owner.team: is required", #"owner.size: expected integer, found "big""#,
      ])
  }

  @Test func constraintsAreChecked() throws {
    #expect(try issues(#"{"name": ""}"#) == ["name: has 0 characters, fewer than the minimum 1"])
    #expect(try issues(#"{"name": "a", "count": -1}"#) == ["count: -1 is less than the minimum 0"])
    #expect(try issues(#"{}"#) == ["name: is required"])
    #expect(try issues(#"{"name": null}"#) == ["name: is required, found null"])
  }

  @Test func numbersAcceptIntegersAndAnyAcceptsAnything() throws {
    #expect(try issues(#"{"name": "a", "score": 3, "extra": [1, {"x": null}]}"#).isEmpty)
  }

  @Test func unknownFieldsAreRejectedWithASuggestion() throws {
    #expect(try issues(#"{"name": "a", "cuont": 1}"#) == ["cuont: unknown field; did you mean 'count'?"])
    #expect(try issues(#"{"name": "a", "owner": {"team": "x", "colour": 1}}"#) == ["owner.colour: unknown field"])
    #expect(try issues(#"{"name": "a", "meta": {"anything": {"goes": 1}}}"#).isEmpty)
  }

  @Test func patternsAreSearched() throws {
    var spec = FieldSpec(type: .string)
    spec.pattern = try Pattern("^[a-z]+$")
    #expect(validator.validate(.string("abc"), spec: spec, path: FieldPath(["h"])).isEmpty)
    #expect(
      validator.validate(.string("aBc"), spec: spec, path: FieldPath(["h"])).map(\.description) == [
        #"h: "aBc" does not match the pattern '^[a-z]+$'"#
      ])
  }

  @Test func commandLineValuesAreTypedByTheField() throws {
    let schema = validator.schema
    func parse(_ text: String, _ field: String) throws -> JSONValue {
      try FieldValueParser.parse(text, spec: schema.spec(for: field), path: FieldPath([field]))
    }
    #expect(try parse("3", "count") == .integer(3))
    #expect(try parse("2.5", "score") == .double(2.5))
    #expect(try parse("4", "score") == .integer(4))
    #expect(try parse("yes", "ok") == .bool(true))
    #expect(try parse("a,b", "tags") == .array([.string("a"), .string("b")]))
    #expect(try parse(#"["a,b"]"#, "tags") == .array([.string("a,b")]))
    #expect(try parse(#"{"k":1}"#, "meta") == .object(JSONObject([("k", .integer(1))])))
    #expect(try parse("plain", "extra") == .string("plain"))
    #expect(try parse("12", "extra") == .integer(12))
    #expect(throws: ValidationIssue(path: FieldPath(["count"]), message: #"expected integer, found "ten""#)) {
      try parse("ten", "count")
    }
  }
}

@Suite struct HostileValueTests {
  @Test func textWithNULIsRefusedEverywhereInARecord() throws {
    let validator = SchemaValidator(schema: try Fixtures.service(in: TemporaryFolder()).schema)
    let object = try #require(
      try JSONReader.parse(#"{"name": "a\u0000b", "tags": ["x\u0000"], "meta": {"k\u0000": 1, "v": "\u0000"}}"#)
        .objectValue)
    #expect(
      validator.validate(object, applyDefaults: false).1.map(\.description) == [
        "name: contains a NUL character (U+0000), which is not allowed in text",
        "tags[0]: contains a NUL character (U+0000), which is not allowed in text",
        "meta.k\u{0}: the name contains a NUL character (U+0000), which is not allowed",
        "meta.v: contains a NUL character (U+0000), which is not allowed in text",
      ])
  }

  @Test func filtersWithNULAreRefused() throws {
    let parser = FilterParser(schema: try Fixtures.service(in: TemporaryFolder()).schema)
    #expect(
      throws: QueryError(
        #"--where 'name~"\u0000x"': the value contains a NUL character (U+0000), which stored text never holds"#)
    ) {
      try parser.parseFilter(#"name~"\u0000x""#)
    }
  }

  @Test func boundTextKeepsEverythingAfterANUL() throws {
    let db = try SQLiteDatabase(path: ":memory:", create: true, busyTimeoutMilliseconds: 100)
    let statement = try db.prepare("SELECT hex(?)")
    try statement.bind([.text("a\u{0}b")])
    #expect(try statement.step())
    #expect(statement.text(0) == "610062")
  }

  @Test func aliasesCannotCarryNestingPastTheLimit() {
    var text = "version: 1\na0: &a0 [x]\n"
    for i in 1...300 { text += "a\(i): &a\(i) [*a\(i - 1)]\n" }
    #expect(throws: YAMLError.self) { try YAMLReader.parse(Array(text.utf8)) }
  }
}
