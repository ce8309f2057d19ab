import Testing

@testable import ProjectCore

/// A command that names one service gets that service alone built; every other is still checked.
extension ManifestLoaderTests {
  /// `count` services `svc0`, `svc1`, ..., alternating the shapes of the shipped manifest's two
  /// (every field type, indexes, a natural key), each with a pattern of its own; `scripts/many-services.sh`
  /// writes the same for measuring.
  static func manyServices(_ count: Int) -> String {
    var text = "version: 1\napp: many\nservices:\n"
    for i in 0..<count where i % 2 == 0 {
      text += """
          svc\(i):
            description: Items of service \(i)
            fields:
              name:   { type: string, required: true, min_length: 1, pattern: "^svc\(i)-[a-z0-9_-]+$" }
              count:  { type: integer, default: 0, minimum: 0 }
              status: { type: enum, values: [active, archived], default: active }
              tags:   { type: array, items: string, default: [] }
              meta:   { type: object, additional: true }
            indexes: [status]

        """
      guard i + 1 < count else { break }
      text += """
          svc\(i + 1):
            id: { field: hostname }
            fields:
              hostname: { type: string, required: true, pattern: "^[a-z0-9.-]*\\\\.g\(i + 1)$", max_length: 253 }
              role:     { type: enum, values: [web, db] }
              location:
                type: object
                fields:
                  region: { type: string, required: true }
            indexes: [role, location.region]

        """
    }
    return text
  }

  /// The error loading `text` throws, for the one service named `only` or for all of them.
  func error(_ text: String, only: String?) -> String {
    do {
      _ = try ManifestLoader.parse(Array(text.utf8), path: "/srv/app/project.yaml", only: only)
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  @Test func loadingForOneServiceBuildsThatServiceAloneAndNamesEveryOther() throws {
    let text = Self.manyServices(300)
    let whole = try load(text)
    let one = try ManifestLoader.parse(Array(text.utf8), path: "/srv/app/project.yaml", only: "svc5")
    #expect(whole.services.count == 300)
    #expect(one.services.map(\.name) == ["svc5"])
    #expect(one.serviceNames == (0..<300).map { "svc\($0)" })
    #expect(one.serviceNames == whole.serviceNames)
    let built = try #require(one.service(named: "svc5"))
    let expected = try #require(whole.service(named: "svc5"))
    #expect(built.schema == expected.schema)
    #expect(built.schema.spec(at: FieldPath(["hostname"]))?.pattern?.matches("a.b.g5") == true)
    #expect(built.idStrategy == .field("hostname"))
    #expect(built.indexes == [FieldPath(["role"]), FieldPath(["location", "region"])])
    #expect(built.stores.json.path == "/srv/app/data/json/svc5_items.json")
    #expect(built.stores.sqlite.path == "/srv/app/data/db/many.db")
    #expect(built.stores.sqlite.table == "svc5_items")
    #expect(one.service(named: "svc4") == nil)
  }

  @Test func aServiceTheManifestDoesNotDeclareBuildsNoneAndEveryNameIsKnown() throws {
    let manifest = try ManifestLoader.parse(
      Array(Self.manyServices(4).utf8), path: "/srv/app/project.yaml", only: "svc9")
    #expect(manifest.services.isEmpty)
    #expect(manifest.serviceNames == ["svc0", "svc1", "svc2", "svc3"])
  }

  @Test func anErrorInAServiceTheCommandDoesNotNameIsStillReportedAsBefore() {
    let text = Self.manyServices(300)
    let line = text.split(separator: "\n", omittingEmptySubsequences: false).count
    let broken: [(service: String, expected: String)] = [
      (
        "  bad:\n    fields:\n      n: { type: integr }\n",
        "/srv/app/project.yaml:\(line + 2):18: services.bad.fields.n.type: unknown type 'integr'; did you mean 'integer'?"
      ),
      (
        "  bad:\n    fields:\n      n: { type: string, pattern: \"a\\\\1\" }\n",
        "/srv/app/project.yaml:\(line + 2):35: services.bad.fields.n.pattern: pattern 'a\\1' is refused: invalid escape sequence: \\1 (at character 2 of the pattern)"
      ),
      (
        "  bad:\n    fields:\n      n: { type: integer, default: x }\n",
        "/srv/app/project.yaml:\(line + 2):36: services.bad.fields.n.default: the default does not fit the field: expected integer, found \"x\""
      ),
      (
        "  bad:\n    fields:\n      n: { type: string }\n    indexes: [m]\n",
        "/srv/app/project.yaml:\(line + 3):15: services.bad.indexes[0]: unknown field 'm'; did you mean 'n'?"
      ),
      (
        "  bad:\n    fields:\n      n: { type: string }\n    stores:\n      json: { path: json/svc5_items.json }\n",
        "/srv/app/project.yaml:\(line + 4):21: services.bad.stores.json.path: services 'svc5' and 'bad' share the JSON file /srv/app/data/json/svc5_items.json; give each its own"
      ),
      (
        "  svc7:\n    fields:\n      n: { type: string }\n",
        "/srv/app/project.yaml:\(line):3: services.svc7: duplicate key 'svc7'"
      ),
    ]
    for (service, expected) in broken {
      #expect(error(text + service, only: nil) == expected)
      #expect(error(text + service, only: "svc5") == expected)
      #expect(error(text + service, only: "bad") == expected)
    }
  }
}
