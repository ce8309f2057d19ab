import Foundation
import PostgresTestSupport
import Testing

/// `list -o csv` writes each row from the stored text on a database store, and `-o yaml` one
/// record at a time: the bytes of the field-by-field path (`--fields`, every column), for random
/// records and for rows another program wrote.
extension StreamedOutputTests {
  typealias Seeded = SeededRandom

  static func text(_ random: inout Seeded) -> String {
    let pieces = ["a", ",", "\"", "\n", "\r", " ", "null", "é", "😀", "\t", "\u{7F}", "\u{01}", "yes", "-", "1", "'"]
    return (0..<Int.random(in: 0...4, using: &random)).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
  }

  /// A JSON string literal.
  static func quoted(_ text: String) throws -> String {
    let array = String(decoding: try JSONSerialization.data(withJSONObject: [text]), as: UTF8.self)
    return String(array.dropFirst().dropLast())
  }

  static func value(_ random: inout Seeded, depth: Int = 0) throws -> String {
    switch Int.random(in: 0..<(depth > 2 ? 5 : 7), using: &random) {
    case 0: return "null"
    case 1: return Bool.random(using: &random) ? "true" : "false"
    case 2: return String(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &random))
    case 3: return ["0.5", "-1.25", "1e20", "3.141592653589793", "123456789.0"].randomElement(using: &random) ?? "1"
    case 4: return try quoted(text(&random))
    case 5: return try items(&random, "[", "]") { _, random in try value(&random, depth: depth + 1) }
    default: return try object(&random, depth: depth)
    }
  }

  static func object(_ random: inout Seeded, depth: Int) throws -> String {
    try items(&random, "{", "}") { k, random in
      try quoted("k\(k)" + text(&random)) + ":" + value(&random, depth: depth + 1)
    }
  }

  /// Up to three items between `open` and `close`, comma-separated.
  static func items(
    _ random: inout Seeded, _ open: String, _ close: String, _ item: (Int, inout Seeded) throws -> String
  ) throws -> String {
    var texts: [String] = []
    for k in 0..<Int.random(in: 0...3, using: &random) { texts.append(try item(k, &random)) }
    return open + texts.joined(separator: ",") + close
  }

  /// 300 records of the example service, each field present or not, as NDJSON lines.
  static func randomRecords() throws -> String {
    var random = Seeded(state: 2027)
    var lines: [String] = []
    for n in 0..<300 {
      var members = [#""id":"r\#(n)""#]
      members.append(#""name":"# + (try quoted("n" + text(&random))))
      if Bool.random(using: &random) { members.append(#""count":\#(Int.random(in: 0...99_999, using: &random))"#) }
      if Bool.random(using: &random) {
        members.append(#""status":"\#(Bool.random(using: &random) ? "active" : "archived")""#)
      }
      if Bool.random(using: &random) {
        members.append(#""tags":"# + (try items(&random, "[", "]") { _, random in try quoted(text(&random)) }))
      }
      if Bool.random(using: &random) { members.append(#""meta":"# + (try object(&random, depth: 0))) }
      let stamp = String(format: "2026-01-01T00:%02d:%02d.000Z", n / 60, n % 60)
      members.append(#""created_at":"\#(stamp)","updated_at":"\#(stamp)""#)
      lines.append("{" + members.joined(separator: ",") + "}")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Rows another program wrote: spaces, keys out of order, escapes, an exponent, a duplicate
  /// key, values of another type than the schema's.
  static let handWritten = [
    #"{ "status": "active", "name": "a\/b,c", "count": 1E2, "meta": {"z": [1.50, {}], "k": "x"} }"#,
    #"{"name":"null","tags":["a",1],"count":"seven"}"#,
    #"{"name":"dup","count":1,"name":"second","meta":{"k":1,"k":2}}"#,
    #"{"name":"\u00e9\n","status":null,"tags":"not an array"}"#,
  ]

  @Test(arguments: ["sqlite", "postgres"])
  func csvAndYamlGiveTheBytesOfTheFieldByFieldOutput(backend: String) throws {
    let project = try ProjectRunner.on(backend)
    try project.write(try Self.randomRecords(), to: "records.ndjson")
    let imported = try project.run(["svc", "example", "import", "--from", "records.ndjson", "--target", backend])
    #expect(imported.status == 0, "\(imported)")
    for (n, data) in Self.handWritten.enumerated() {
      let sql =
        "INSERT INTO \(backend == "sqlite" ? "example_items" : project.postgresTables["example"] ?? "") VALUES ('hand\(n)', '\(data.replacingOccurrences(of: "'", with: "''"))', '2027-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z')"
      if backend == "sqlite" {
        let insert = try project.tool("/usr/bin/sqlite3", [project.path("data/db/myapp.db"), sql])
        #expect(insert.status == 0, "\(insert)")
      } else {
        _ = try project.psql(sql)
      }
    }
    let all = "id,name,count,status,tags,meta,created_at,updated_at"
    for format in ["csv", "yaml"] {
      for query in [[], ["--where", "status=active"], ["--sort", "name:desc", "--limit", "50", "--offset", "7"]] {
        let list = ["svc", "example", "list", "-o", format, "--backend", backend] + query
        let stored = try project.run(list)
        let tree = try project.run(list + ["--fields", all])
        #expect(stored.status == 0 && stored.stderr == "" && stored.stdout == tree.stdout, "\(stored)\n\(tree)")
        #expect(stored.stdout.count > 1000, "\(stored)")
      }
    }
    let csv = try project.run(["svc", "example", "list", "-o", "csv", "--backend", backend, "--where", "name~a/b"])
    #expect(
      csv.stdout
        == "id,name,count,status,tags,meta,created_at,updated_at\r\nhand0,\"a/b,c\",100.0,active,,\"{\"\"z\"\":[1.5,{}],\"\"k\"\":\"\"x\"\"}\",2027-01-01T00:00:00.000Z,2027-01-01T00:00:00.000Z\r\n",
      "\(csv)")
  }
}
