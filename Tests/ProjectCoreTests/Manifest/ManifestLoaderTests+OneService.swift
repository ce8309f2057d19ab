import Foundation
import Testing

@testable import ProjectCore

/// A command that names one service gets that service alone built; every other is still checked.
extension ManifestLoaderTests {
  /// `scripts/many-services.sh count`: services `svc0`, `svc1`, ... taking turns at the shipped
  /// manifest's two, those in the shape of `hosts` each with a pattern of its own.
  static func manyServices(_ count: Int) throws -> String {
    let root = #filePath.split(separator: "/").dropLast(4).joined(separator: "/")
    let script = Process()
    script.executableURL = URL(fileURLWithPath: "/bin/bash")
    script.arguments = ["/" + root + "/scripts/many-services.sh", String(count)]
    let output = Pipe()
    script.standardOutput = output
    try script.run()
    let text = output.fileHandleForReading.readDataToEndOfFile()
    script.waitUntilExit()
    try #require(script.terminationStatus == 0)
    return String(decoding: text, as: UTF8.self)
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
    let text = try Self.manyServices(300)
    let whole = try load(text)
    let one = try ManifestLoader.parse(Array(text.utf8), path: "/srv/app/project.yaml", only: "svc5")
    #expect(whole.services.count == 300)
    #expect(one.services.map(\.name) == ["svc5"])
    #expect(one.serviceNames == (0..<300).map { "svc\($0)" })
    #expect(one.serviceNames == whole.serviceNames)
    let built = try #require(one.service(named: "svc5"))
    let expected = try #require(whole.service(named: "svc5"))
    #expect(built.schema == expected.schema)
    #expect(built.schema.spec(at: FieldPath(["hostname"]))?.pattern?.matches("a.b-g5") == true)
    #expect(built.schema.spec(at: FieldPath(["hostname"]))?.pattern?.matches("a.b-g7") == false)
    #expect(built.idStrategy == .field("hostname"))
    #expect(built.indexes == [FieldPath(["role"]), FieldPath(["location", "region"])])
    #expect(built.stores.json.path == "/srv/app/data/json/svc5_items.json")
    #expect(built.stores.sqlite.path == "/srv/app/data/db/many.db")
    #expect(built.stores.sqlite.table == "svc5_items")
    #expect(one.service(named: "svc4") == nil)
  }

  @Test func aServiceTheManifestDoesNotDeclareBuildsNoneAndEveryNameIsKnown() throws {
    let manifest = try ManifestLoader.parse(
      Array(try Self.manyServices(4).utf8), path: "/srv/app/project.yaml", only: "svc9")
    #expect(manifest.services.isEmpty)
    #expect(manifest.serviceNames == ["svc0", "svc1", "svc2", "svc3"])
  }

  @Test func anErrorInAServiceTheCommandDoesNotNameIsStillReportedAsBefore() throws {
    let text = try Self.manyServices(300)
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
