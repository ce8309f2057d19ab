import Foundation
import Testing

@testable import ProjectCore

/// The stand-in for `json_extract` that builds field indexes after a load must give, for every
/// valid document, exactly what SQLite's own function gives: an index entry that differs
/// would make the index disagree with its table for every other program.
@Suite struct JSONExtractFunctionTests {
  static let paths = [
    "$.status", "$.owner.team", "$.count", "$.name", "$.ok", "$.missing", "$.owner.missing", "$.tags", "$.score", "$.a",
    "$.st\\u0061tus", "$[0]", "$", "$.\"status\"",
  ]

  /// Random valid documents: values of every JSON kind (escapes, non-ASCII, numbers of every
  /// form and size), random white space, keys given twice, keys with escapes, nesting.
  static func documents() -> [String] {
    var rng = SplitMix64(state: 23)
    let values = [
      #""active""#, #""archived""#, #""""#, #""a\"b""#, #""ünï 😀""#, #""e\u0301""#, #""tab\there""#, #""\/""#,
      #""\ud800""#,
      "0", "7", "-0", "-3", "123456789012345678", "-123456789012345678", "1234567890123456789", "9223372036854775807",
      "9223372036854775808", "-9223372036854775808",
      "1.5", "0.1", "1e2", "1E+2", "-2.5e-3", "1.0", "100000000000000000000000",
      "true", "false", "null", "[]", #"["a",1,null]"#, "{}", #"{"team":"ops"}"#, #"{"team":"ops","team":"dev"}"#,
      #"{"x":{"team":1}}"#,
      #"{"team":"t\"1"}"#, #"{"te\u0061m":"x"}"#, #"{"team":[1]}"#, #"{"team":12}"#, #"{"team":true}"#,
    ]
    let keys = ["status", "owner", "count", "name", "ok", "tags", "score", "a", "st\\u0061tus", "other"]
    let spaces = ["", " ", "\n", "\t", "\r\n  "]
    var documents = [
      "{}", "[]", "1", #""status""#, "null", #"{"status":"a","status":"b"}"#, #"{"owner":{},"owner":{"team":"x"}}"#,
      #"{"owner":"ops"}"#, #"{"owner":null}"#, #"{"owner":[{"team":1}]}"#, " {\"status\" : \"x\" } ",
    ]
    for _ in 0..<3000 {
      var members: [String] = []
      for key in keys where rng.next() % 3 != 0 {
        let space = { spaces[Int(rng.next() % UInt64(spaces.count))] }
        let value = values[Int(rng.next() % UInt64(values.count))]
        members.append(space() + "\"\(key)\"" + space() + ":" + space() + value + space())
        if rng.next() % 20 == 0 { members.append("\"\(key)\":" + values[Int(rng.next() % UInt64(values.count))]) }
      }
      members.shuffle(using: &rng)
      documents.append("{" + members.joined(separator: ",") + "}")
    }
    return documents
  }

  /// SQLite's answer on `db` to `json_extract(document, path)`: its value and type, or the error.
  func ask(_ db: SQLiteDatabase, _ document: String, _ path: String) throws -> String {
    let statement = try db.prepare(
      "SELECT json_extract(?1, ?2), typeof(json_extract(?1, ?2)), quote(json_extract(?1, ?2))")
    try statement.bind([.text(document), .text(path)])
    do {
      try statement.step()
    } catch let error as SQLiteError {
      return "error: \(error.message)"
    }
    let type = statement.text(1) ?? ""
    let value: SQLScalar
    switch type {
    case "null": value = .null
    case "integer": value = .integer(statement.int64(0))
    // `quote` writes a real with every bit it has.
    case "real": value = .real(Double(statement.text(2) ?? "") ?? .nan)
    default: value = .text(statement.text(0) ?? "")
    }
    return "\(value) \(type)"
  }

  @Test func answersWhatSQLiteGivesOrLeavesItToSQLite() throws {
    let plain = try SQLiteDatabase(path: ":memory:", create: true, busyTimeoutMilliseconds: 0)
    var answered = 0
    var unsure = 0
    for document in Self.documents() {
      // Only valid JSON is asked of it (an import's own rows).
      guard try ask(plain, document, "$") != "error: malformed JSON" else {
        Issue.record("the test made invalid JSON: \(document)")
        continue
      }
      for path in Self.paths {
        let pathBytes = Array(path.utf8)
        let keys = pathBytes.withUnsafeBufferPointer(JSONExtractFunction.plainKeys)
        let answer =
          keys.map { keys in
            Array(document.utf8).withUnsafeBufferPointer { JSONExtractFunction.extract($0, keys: keys) }
          } ?? .unsure
        let expected = try ask(plain, document, path)
        switch answer {
        case .unsure:
          unsure += 1
          continue
        case .text(let range):
          let text = String(decoding: Array(document.utf8)[range], as: UTF8.self)
          #expect(expected == "\(SQLScalar.text(text)) text", "\(document) at \(path)")
        case .integer(let value):
          #expect(expected == "\(SQLScalar.integer(value)) integer", "\(document) at \(path)")
        case .null:
          #expect(expected == "\(SQLScalar.null) null", "\(document) at \(path)")
        }
        answered += 1
      }
    }
    #expect(answered > 5_000, "answered \(answered), left \(unsure) to SQLite")
    #expect(unsure > 5_000)
  }

  /// On a connection, the function stands in for SQLite's and gives the same values and types
  /// for every valid document and path, whether it answers itself or asks SQLite; once it
  /// steps aside, SQLite answers every call.
  @Test func onAConnectionItGivesSQLitesValues() throws {
    let plain = try SQLiteDatabase(path: ":memory:", create: true, busyTimeoutMilliseconds: 0)
    let db = try SQLiteDatabase(path: ":memory:", create: true, busyTimeoutMilliseconds: 0)
    let function = try JSONExtractFunction(on: db)
    var documents = Self.documents()
    documents += try JSONTestSuiteTests.files().filter { $0.hasPrefix("y_") }.compactMap { name in
      String(data: try Data(contentsOf: URL(fileURLWithPath: JSONTestSuiteTests.folder + "/" + name)), encoding: .utf8)
    }
    for document in documents {
      for path in Self.paths {
        #expect(try ask(db, document, path) == ask(plain, document, path), "\(document) at \(path)")
      }
    }
    // Errors pass through as SQLite words them: a path SQLite refuses, invalid JSON it reads.
    #expect(try ask(db, #"{"a":1}"#, "$.") == ask(plain, #"{"a":1}"#, "$."))
    #expect(try ask(db, #"{"a":1"#, "$.b") == ask(plain, #"{"a":1"#, "$.b"))
    #expect(try ask(db, #"{"a":1"#, "$.b").hasPrefix("error"))
    // Stepped aside, it asks SQLite every time: a document it would misread (it stops
    // reading at the value) gets SQLite's error.
    let one = "\(SQLScalar.integer(1)) integer"
    #expect(try ask(db, #"{"a":1 x"#, "$.a") == one)
    function.stepAside()
    #expect(try ask(db, #"{"a":1 x"#, "$.a") == "error: malformed JSON")
    #expect(try ask(db, #"{"a":1}"#, "$.a") == one)
  }

  /// A table's index built with the function passes SQLite's own integrity check on another
  /// connection, which computes every entry again with SQLite's function.
  @Test func anIndexBuiltWithItPassesTheIntegrityCheck() throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/index.db"
    do {
      let db = try SQLiteDatabase(path: path, create: true, busyTimeoutMilliseconds: 0)
      try db.execute("CREATE TABLE t (data TEXT)")
      let insert = try db.prepare("INSERT INTO t VALUES (?)")
      for document in Self.documents() {
        insert.reset()
        try insert.bind([.text(document)])
        try insert.step()
      }
      _ = try JSONExtractFunction(on: db)
      for (n, path) in ["$.status", "$.owner.team", "$.count", "$.score"].enumerated() {
        try db.execute("CREATE INDEX i\(n) ON t (json_extract(data, '\(path)'))")
      }
    }
    let other = try SQLiteDatabase(path: path, create: false, busyTimeoutMilliseconds: 0)
    #expect(try other.scalarText("PRAGMA integrity_check") == "ok")
    #expect(
      try other.scalarText("SELECT count(*) FROM t INDEXED BY i0 WHERE json_extract(data, '$.status') = 'active'")
        == other.scalarText("SELECT count(*) FROM t NOT INDEXED WHERE json_extract(data, '$.status') = 'active'"))
  }
}
