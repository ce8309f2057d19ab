import Testing

@testable import ProjectCore

/// What `migrate` makes of one stored value when the field's type changed: converted only where
/// the reverse conversion gives the value back.
@Suite struct RecordMigrationTests {
  func migration(_ type: String) throws -> RecordMigration {
    let text = """
      version: 1
      services:
        s:
          fields:
            v: \(type)

      """
    let manifest = try ManifestLoader.parse(Array(text.utf8), path: "/tmp/project.yaml")
    let service = RecordService(definition: try #require(manifest.service(named: "s")))
    return RecordMigration(service: service, dropUnknown: false, now: "2026-01-01T00:00:00.000Z")
  }

  /// The value `v` becomes, or the issue that stops it.
  func migrated(_ value: JSONValue, to type: String) throws -> String {
    let stamp = "2020-01-01T00:00:00.000Z"
    let record = Record(id: "r", fields: JSONObject([("v", value)]), createdAt: stamp, updatedAt: stamp)
    let (result, _, issues) = try migration(type).migrate(record)
    if let issue = issues.first { return "\(issue)" }
    return JSONWriter.string(try #require(result?.fields["v"]))
  }

  @Test func textBecomesANumberOnlyWhenItIsTheNumbersOwnText() throws {
    #expect(try migrated(.string("42"), to: "integer") == "42")
    #expect(try migrated(.string("-7"), to: "integer") == "-7")
    #expect(try migrated(.string("042"), to: "integer") == #"v: expected integer, found "042""#)
    #expect(try migrated(.string("42.0"), to: "integer") == #"v: expected integer, found "42.0""#)
    #expect(try migrated(.string(" 42"), to: "integer") == #"v: expected integer, found " 42""#)
    #expect(
      try migrated(.string("99999999999999999999"), to: "integer")
        == #"v: expected integer, found "99999999999999999999""#)
    #expect(try migrated(.string("4.5"), to: "number") == "4.5")
    #expect(try migrated(.string("1e2"), to: "number") == #"v: expected number, found "1e2""#)
    #expect(try migrated(.integer(3), to: "number") == "3")
  }

  @Test func numbersBecomeTheirJSONText() throws {
    #expect(try migrated(.integer(3), to: "string") == #""3""#)
    #expect(try migrated(.double(1.0), to: "string") == #""1.0""#)
    #expect(try migrated(.double(-0.0), to: "string") == #""-0.0""#)
    #expect(try migrated(.bool(true), to: "string") == "v: expected string, found true")
  }

  @Test func aDateBecomesMidnightUTCAndAScalarAOneElementArray() throws {
    #expect(try migrated(.string("2024-01-02"), to: "datetime") == #""2024-01-02T00:00:00Z""#)
    #expect(
      try migrated(.string("yesterday"), to: "datetime")
        == #"v: expected an RFC 3339 date-time such as 2026-11-30T16:04:45Z, found "yesterday""#)
    #expect(try migrated(.string("x"), to: "{ type: array, items: string }") == #"["x"]"#)
    #expect(try migrated(.string("7"), to: "{ type: array, items: integer }") == "[7]")
    #expect(try migrated(.double(3.5), to: "integer") == "v: expected integer, found 3.5")
  }
}
