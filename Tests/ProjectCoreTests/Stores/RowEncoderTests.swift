import Testing

@testable import ProjectCore

/// The short way from an NDJSON line to a SQLite row must give exactly the general way's row,
/// or decline the line.
@Suite struct RowEncoderTests {
  let folder = TemporaryFolder()
  let transfer: RecordTransfer
  let now = "2026-11-30T12:00:00.000Z"

  init() throws {
    transfer = RecordTransfer(service: RecordService(definition: try Fixtures.service(in: folder)))
  }

  func row(_ line: String, key: String? = nil, quick: Bool) -> PreparedRows? {
    Array(line.utf8).withUnsafeBufferPointer { transfer.row(line: $0, key: key, now: now, quick: quick) }
  }

  /// Whether the short way took the record; when it did, its row is the general way's.
  @discardableResult
  func check(_ line: String, key: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    guard let quick = row(line, key: key, quick: true) else { return false }
    let general = row(line, key: key, quick: false)
    #expect(quick == general, "\(line)", sourceLocation: sourceLocation)
    return true
  }

  /// A store file's record is filed under its id: no id inside, or the same one.
  @Test func recordsFiledUnderTheirIDTakeTheirKey() {
    #expect(check(#"{"name":"x"}"#, key: "k1"))
    #expect(check(#"{"id":"k1","name":"x"}"#, key: "k1"))
    #expect(row(#"{"name":"x"}"#, key: "ü", quick: true)?.description.hasPrefix("ü | ") == true)
    #expect(!check(#"{"id":"k2","name":"x"}"#, key: "k1"))
    #expect(!check(#"{"id":"e\#u{301}","name":"x"}"#, key: "\u{E9}"))
    #expect(!check(#"{"name":"x"}"#, key: ""))
    #expect(!check(#"{"name":"x"}"#, key: "a\u{0}b"))
    #expect(row(#"{"name":"x"}"#, key: "a\u{0}b", quick: false) == nil)
  }

  @Test func plainRecordsTakeTheShortWay() {
    let lines = [
      #"{"id":"a","name":"Alpha","count":3,"score":1.5,"ok":true,"status":"active","tags":["x","y"],"owner":{"team":"ops","size":2},"created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-02T00:00:00.000Z"}"#,
      #"  { "id" : "b" , "name" : "ünï 😀" , "score" : -0.25 , "tags" : [ ] }  "#,
      // Out of schema order, timestamps first: written in schema order.
      #"{"created_at":"2026-01-01T00:00:00Z","owner":{"size":1,"team":"t"},"name":"c","id":"c","count":0}"#,
      // Null for fields that are not required; values that take the general code (a date-time,
      // a date, a free-form object and value).
      #"{"id":"d","name":"d","score":null,"when":"2026-11-30T16:04:45.5+01:00","day":"2026-02-28","meta":{"z":1,"a":[1.0,null]},"extra":{"b":1e2,"a":"\u00e9"}}"#,
      // Escapes in a string field: that value takes the general code.
      #"{"id":"e","name":"say \"hi\"\n","email":"u@example.com"}"#,
      // Numbers the encoder cannot copy as they stand: the general code writes them.
      #"{"id":"f","name":"x","count":-0,"score":1.50}"#,
      #"{"id":"g","name":"x","score":1e2,"extra":-0}"#,
      #"{"id":"h","name":"x","score":0.0001}"#,
      #"{"id":"i","name":"x","score":1234567890.5}"#,
    ]
    for line in lines { #expect(check(line), "declined: \(line)") }
    #expect(
      row(lines[2], quick: true)?.description
        == #"c | {"name":"c","count":0,"owner":{"team":"t","size":1}} | 2026-01-01T00:00:00Z | 2026-01-01T00:00:00Z"#)
    #expect(
      row(lines[1], quick: true)?.description == #"b | {"name":"ünï 😀","score":-0.25,"tags":[]} | \#(now) | \#(now)"#)
  }

  @Test func linesItIsUnsureOfAreLeftToTheGeneralWay() {
    let declined = [
      #"{"name":"no id"}"#,
      #"{"id":7,"name":"integer id"}"#,
      #"{"id":"","name":"empty id"}"#,
      #"{"id":"a\u0062","name":"escaped id"}"#,
      #"{"id":"a","name":"x","created_at":"2026-01-01T00:00:00"}"#,
      #"{"id":"a","name":"x","created_at":null}"#,
      #"{"id":"a","name":"x","nope":1}"#,
      #"{"id":"a","name":"x","name":"twice"}"#,
      #"{"id":"a","id":"b","name":"x"}"#,
      #"{"id":"a","name":"x","count":1.0}"#,
      #"{"id":"a","name":"x","count":-1}"#,
      #"{"id":"a","name":"x","status":"gone"}"#,
      #"{"id":"a","name":"x","owner":{"size":1}}"#,
      #"{"id":"a","name":"x","owner":{"team":"t","extra":1}}"#,
      #"{"id":"a","name":null}"#,
      #"{"id":"a","name":""}"#,
      #"{"id":"a","name":"x"} trailing"#,
      #"{"id":"a","name":"x",}"#,
      #"{"id":"a","name":"x\u0000"}"#,
      "{\"id\":\"a\",\"name\":\"\u{1}\"}",
      "\u{FEFF}{\"id\":\"a\",\"name\":\"x\"}",
      #"["id","a"]"#,
    ]
    for line in declined { #expect(!check(line), "taken: \(line)") }
  }

  /// Random records of every field type, in random order and spacing, valid and not: whenever
  /// the short way takes one, its row is the general way's.
  @Test func randomRecordsGiveTheSameRows() {
    var rng = SplitMix64(state: 7)
    // Per key: values, the valid ones first.
    let pools: [(String, [String])] = [
      ("id", [#""r1""#, #""ü-2""#, #""""#, "7", "null"]),
      ("name", [#""Alpha""#, #""ünï 😀""#, #""a\"b""#, #""""#, #""e\u0301""#, "1"]),
      ("count", ["0", "7", "123456789012345678", "-3", "1.0", "1e2", "-0", "007", "9223372036854775808"]),
      (
        "score",
        [
          "1.5", "0.001", "-2.25", "3", "123456789.123456", "0.1", "12.345678", "1.50", "0.0001", "1E5", "-0.0",
          "1234567890.5", "\"1\"",
        ]
      ),
      ("ok", ["true", "false", "null", "1", "tru"]),
      ("when", [#""2026-11-30T16:04:45Z""#, #""2026-11-30T16:04:45.123+02:00""#, #""2026-11-30""#, "1"]),
      ("day", [#""2026-02-28""#, #""2026-02-30""#, "null"]),
      ("status", [#""active""#, #""archived""#, #""other""#, #""act\u0069ve""#, "null"]),
      ("tags", ["[]", #"["a","b"]"#, #"[ "x" , "y" ]"#, "[1]", "[null]", #"["a",]"#]),
      ("meta", ["{}", #"{"k":1}"#, #"{"z":1,"a":[1.0,null]}"#, "[]"]),
      (
        "owner",
        [
          #"{"team":"ops"}"#, #"{"size":3,"team":"ops"}"#, #"{"size":3}"#, #"{"team":"ops","x":1}"#, #"{"team":null}"#,
          "null",
        ]
      ),
      ("extra", ["1", "1.0", #""s""#, "null", #"{"b":1,"a":2}"#, "[1e2]", "-0"]),
      ("email", [#""u@example.com""#, "null", "5"]),
      ("created_at", [#""2026-01-01T00:00:00.000Z""#, #""2026-01-01T00:00:00""#, "null", #""x""#]),
      ("updated_at", [#""2026-01-02T00:00:00.000Z""#, "null"]),
      ("nope", ["1"]),
    ]
    let spaces = ["", " ", "  ", "\t", "\r"]
    var taken = 0
    var declined = 0
    for _ in 0..<4000 {
      var members: [String] = []
      for (key, values) in pools {
        let present = key == "id" || key == "name" ? rng.next() % 10 != 0 : rng.next() % 5 < 3
        guard present, key != "nope" || rng.next() % 10 == 0 else { continue }
        // Mostly the valid values (the first half or so of each pool).
        let validCount = max(1, values.count / 2)
        let value =
          rng.next() % 8 == 0
          ? values[Int(rng.next() % UInt64(values.count))] : values[Int(rng.next() % UInt64(validCount))]
        let space = { spaces[Int(rng.next() % UInt64(spaces.count))] }
        members.append(space() + "\"\(key)\"" + space() + ":" + space() + value + space())
        if rng.next() % 40 == 0 { members.append("\"\(key)\":" + value) }
      }
      members.shuffle(using: &rng)
      let line = "{" + members.joined(separator: ",") + "}"
      if check(line) { taken += 1 } else { declined += 1 }
    }
    #expect(taken > 500, "the short way took only \(taken) of 4000")
    #expect(declined > 500)
  }

  /// Decimals of the shape the encoder copies (at most 9 + 6 digits, not ending in 0, at
  /// least 0.001) are exactly what the writer writes for their value; smaller ones, which
  /// the writer writes with an exponent, go through the general code and match too.
  @Test func decimalsItCopiesAreWhatTheWriterWrites() {
    var rng = SplitMix64(state: 11)
    for _ in 0..<20000 {
      let integer = rng.next() % 4 == 0 ? 0 : rng.next() % [10, 1000, 1_000_000, 1_000_000_000][Int(rng.next() % 4)]
      let digits = Int(rng.next() % 6) + 1
      var fraction = String(rng.next() % UInt64([10, 100, 1000, 10_000, 100_000, 1_000_000][digits - 1]))
      fraction = String(repeating: "0", count: digits - fraction.count) + fraction
      guard fraction.last != "0" else { continue }
      let token = "\(rng.next() % 2 == 0 ? "-" : "")\(integer).\(fraction)"
      let line = #"{"id":"a","name":"x","score":\#(token)}"#
      let value = Double(token)!
      if abs(value) >= 0.001 { #expect(JSONWriter.formatDouble(value) == token) }
      #expect(check(line), "declined \(token)")
    }
  }
}

extension RowEncoderTests {
  /// A record deeper than `JSONLimits.recordDepth` is refused by the short way and the general
  /// way alike; one exactly that deep is taken (the fast path may leave it to the general way).
  @Test func recordsDeeperThanTheRecordLimitAreRefusedBothWays() {
    func nested(_ levels: Int) -> String {
      String(repeating: #"{"a":"#, count: levels) + "1" + String(repeating: "}", count: levels)
    }
    func array(_ levels: Int) -> String {
      String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
    }
    let inside = JSONLimits.recordDepth - 1
    for (field, deepest, tooDeep) in [
      ("meta", nested(inside), nested(inside + 1)), ("extra", array(inside), array(inside + 1)),
    ] {
      let fits = #"{"id":"d","name":"x","\#(field)":\#(deepest)}"#
      let over = #"{"id":"d","name":"x","\#(field)":\#(tooDeep)}"#
      #expect(row(fits, quick: false) != nil, "\(field): the deepest record allowed was refused")
      // A store file wraps each record in one more object: the deepest record must still read.
      #expect(
        (try? JSONReader.parse(#"{"d":\#(fits)}"#)) != nil,
        "\(field): the deepest record allowed is too deep for a store file")
      if let quick = row(fits, quick: true) { #expect(quick == row(fits, quick: false)) }
      #expect(row(over, quick: false) == nil, "\(field): a record past the limit was taken")
      #expect(row(over, quick: true) == nil, "\(field): the short way took a record past the limit")
    }
  }
}
