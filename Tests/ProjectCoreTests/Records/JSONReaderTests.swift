import Testing

@testable import ProjectCore

@Suite struct JSONReaderTests {
  @Test func integersAndDoublesStayApart() throws {
    let value = try JSONReader.parse(#"{"i": 3, "d": 3.0, "e": 1e2, "n": -0, "big": 9223372036854775807}"#)
    let object = try #require(value.objectValue)
    #expect(object["i"] == .integer(3))
    #expect(object["d"] == .double(3.0))
    #expect(object["e"] == .double(100))
    #expect(object["n"] == .integer(0))
    #expect(object["big"] == .integer(Int64.max))
  }

  @Test func objectKeyOrderIsKept() throws {
    let value = try JSONReader.parse(#"{"z": 1, "a": 2, "m": 3}"#)
    #expect(value.objectValue?.keys == ["z", "a", "m"])
  }

  @Test func syntaxErrorsNameLineAndColumn() {
    #expect(throws: JSONSyntaxError(line: 3, column: 8, message: "unexpected '}'; expected a JSON value")) {
      try JSONReader.parse("{\n  \"a\": 1,\n  \"b\": }")
    }
    #expect(throws: JSONSyntaxError(line: 1, column: 8, message: "unexpected ']'; expected a string key")) {
      try JSONReader.parse(#"{"a":1,]"#)
    }
    #expect(throws: JSONSyntaxError(line: 2, column: 1, message: "unexpected end of text inside an object")) {
      try JSONReader.parse("{\"a\": 1\n")
    }
  }

  @Test func columnsCountCharactersNotBytes() {
    #expect(throws: JSONSyntaxError(line: 1, column: 9, message: "unexpected 'x' after the JSON value")) {
      try JSONReader.parse("\"éééé\"  x")
    }
  }

  @Test func escapesAndSurrogatePairsDecode() throws {
    #expect(try JSONReader.parse(#""a\"b\\c\/\n\u00e9\ud83d\ude00""#) == .string("a\"b\\c/\né😀"))
  }

  @Test func loneSurrogatesAreRejected() {
    #expect(throws: JSONSyntaxError(line: 1, column: 2, message: "high surrogate not followed by a low surrogate")) {
      try JSONReader.parse(#""\ud83d""#)
    }
  }

  @Test func invalidUTF8IsRejected() {
    #expect(throws: JSONSyntaxError(line: 1, column: 2, message: "invalid UTF-8 in a string")) {
      try JSONReader.parse([0x22, 0xC3, 0x28, 0x22])
    }
    // The position is the bad byte's, not the string's.
    #expect(throws: JSONSyntaxError(line: 2, column: 6, message: "invalid UTF-8 in a string")) {
      try JSONReader.parse(Array("[\n  \"ab".utf8) + [0xC3, 0x28] + Array("\"]".utf8))
    }
  }

  @Test func outOfRangeNumbersAreErrorsNotSilentChanges() {
    #expect(throws: JSONSyntaxError(line: 1, column: 1, message: "integer out of the 64-bit range")) {
      try JSONReader.parse("9223372036854775808")
    }
    #expect(throws: JSONSyntaxError(line: 1, column: 1, message: "number out of range")) {
      try JSONReader.parse("1e999")
    }
  }

  /// A number that is not zero but reads as 0 (below the smallest double) is refused as 1e999
  /// is, whether it is built or skipped; zero written any way and the smallest double are kept.
  @Test func numbersTooSmallForADoubleAreErrorsNotZero() throws {
    let tiny = "0." + String(repeating: "0", count: 400) + "1"
    for text in ["1e-400", "-1e-400", "0.5e-999", tiny] {
      #expect(throws: JSONSyntaxError(line: 1, column: 1, message: "number out of range")) {
        try JSONReader.parse(text)
      }
      #expect(throws: JSONSyntaxError(line: 1, column: 15, message: "number out of range")) {
        try Array("{\"a\": 1, \"b\": \(text)}".utf8).withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
          var parser = JSONParser(buffer)
          _ = try parser.parseObject(keeping: [Array("a".utf8)])
        }
      }
    }
    #expect(try JSONReader.parse("0e-400") == .double(0))
    #expect(try JSONReader.parse("-0.000e-999") == .double(-0.0))
    #expect(try JSONReader.parse("5e-324") == .double(5e-324))
  }

  /// Strings are scanned eight bytes at a time: a quote, backslash, control character or
  /// non-ASCII byte must be seen at every position of a word, and a word's worth of plain bytes
  /// on either side of it must survive.
  @Test func everyPositionOfAStringIsChecked() throws {
    for length in 0..<20 {
      for at in 0..<length {
        let before = String(repeating: "a", count: at)
        let after = String(repeating: "b", count: length - at - 1)
        #expect(try JSONReader.parse("\"\(before)é\(after)\"") == .string(before + "é" + after))
        #expect(try JSONReader.parse("\"\(before)\\n\(after)\"") == .string(before + "\n" + after))
        #expect(try JSONReader.parse("[\"\(before)\", \"\(after)\"]") == .array([.string(before), .string(after)]))
        #expect(throws: JSONSyntaxError.self) { try JSONReader.parse(Array("\"\(before)\u{1}\(after)\"".utf8)) }
        #expect(throws: JSONSyntaxError.self) {
          try JSONReader.parse([0x22] + Array(before.utf8) + [0xFF] + Array(after.utf8) + [0x22])
        }
      }
    }
  }

  /// Skipped values (the fields a filter does not read) are checked as strictly as built ones.
  @Test func skippedValuesAreCheckedAsStrictly() throws {
    let wanted = [Array("a".utf8)]
    func parseKeepingA(_ text: String) throws(JSONSyntaxError) -> JSONValue {
      let bytes = Array(text.utf8)
      return try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) -> JSONValue in
        var parser = JSONParser(buffer)
        return try parser.parseObject(keeping: wanted)
      }
    }
    #expect(
      try parseKeepingA(#"{"a": 1, "b": 2.5, "c": {"d": [1e3, "x"]}}"#) == .object(JSONObject([("a", .integer(1))])))
    #expect(throws: JSONSyntaxError(line: 1, column: 15, message: "number out of range")) {
      try parseKeepingA(#"{"a": 1, "b": 1e999}"#)
    }
    let huge = String(repeating: "9", count: 400) + ".5"
    #expect(throws: JSONSyntaxError(line: 1, column: 15, message: "number out of range")) {
      try parseKeepingA(#"{"a": 1, "b": \#(huge)}"#)
    }
    #expect(throws: JSONSyntaxError(line: 1, column: 15, message: "integer out of the 64-bit range")) {
      try parseKeepingA(#"{"a": 1, "b": 99999999999999999999}"#)
    }
    #expect(throws: JSONSyntaxError.self) { try parseKeepingA(#"{"a": 1, "b": {"c": 01}}"#) }
  }

  @Test func smallestIntegerFits() throws {
    #expect(try JSONReader.parse("-9223372036854775808") == .integer(Int64.min))
  }

  @Test func deepNestingIsAnErrorNotACrash() {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: JSONSyntaxError(line: 1, column: 513, message: "nesting deeper than 512 levels")) {
      try JSONReader.parse(deep)
    }
  }

  @Test func controlCharactersAndNULInStringsAreRejected() {
    #expect(throws: JSONSyntaxError(line: 1, column: 3, message: "unescaped control character NUL byte in a string")) {
      try JSONReader.parse([0x22, 0x61, 0x00, 0x22])
    }
  }

  @Test func trailingCommasCommentsAndNaNAreRejected() {
    for text in ["[1,]", "{\"a\":1,}", "// x\n1", "NaN", "[01]", "[1.]", "'a'"] {
      #expect(throws: JSONSyntaxError.self, "\(text)") { try JSONReader.parse(text) }
    }
  }

  @Test func byteOrderMarkIsSkipped() throws {
    #expect(try JSONReader.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == .object(JSONObject()))
  }
}

@Suite struct JSONWriterTests {
  @Test func prettyOutputUsesTwoSpacesAndKeepsOrder() {
    let value = JSONValue.object(
      JSONObject([("b", .integer(1)), ("a", .array([.bool(true), .null])), ("e", .object(JSONObject()))]))
    #expect(
      JSONWriter.string(value, style: .pretty)
        == "{\n  \"b\": 1,\n  \"a\": [\n    true,\n    null\n  ],\n  \"e\": {}\n}")
  }

  @Test func doublesAlwaysReadBackAsDoubles() throws {
    for d in [1.0, 0.1, -2.5, 1e20, 1e-7, 123456789.125, Double.greatestFiniteMagnitude, 5e-324] {
      let text = JSONWriter.string(.double(d))
      #expect(try JSONReader.parse(text) == .double(d), "\(text)")
    }
    #expect(JSONWriter.string(.double(1.0)) == "1.0")
  }

  @Test func stringsEscapeOnlyWhatJSONNeeds() {
    #expect(JSONWriter.string(.string("é\"\\\n\u{01}/")) == #""é\"\\\n\u0001/""#)
  }

  @Test func writeThenReadIsIdentity() throws {
    let value = JSONValue.object(
      JSONObject([
        ("s", .string("ünï \u{1F600} \t")), ("i", .integer(-42)), ("d", .double(2.5)),
        ("n", .null), ("a", .array([.integer(1), .double(1.0), .string("x")])),
        ("o", .object(JSONObject([("z", .bool(false)), ("y", .integer(Int64.min))]))),
      ]))
    for style in [JSONWriter.Style.pretty, .compact] {
      let back = try JSONReader.parse(JSONWriter.bytes(value, style: style))
      #expect(back == value)
      #expect(back.objectValue?.keys == value.objectValue?.keys)
    }
  }
}
