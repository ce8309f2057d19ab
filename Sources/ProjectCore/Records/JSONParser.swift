/// The recursive-descent parser behind `JSONReader`, over a byte buffer.
struct JSONParser {
  let bytes: UnsafeBufferPointer<UInt8>
  var index = 0
  var depth = 0
  /// False while skipping: values are checked as strictly, but nothing is built.
  var building = true

  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
    if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { index = 3 }
  }

  /// Checks that the text is exactly one JSON value, without building it.
  mutating func parseDocumentSkipping() throws(JSONSyntaxError) {
    skipWhitespace()
    guard index < bytes.count else { throw error("the text is empty; expected a JSON value") }
    try skipValue()
    skipWhitespace()
    if index < bytes.count { throw error("unexpected \(describe(bytes[index])) after the JSON value") }
  }

  mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
    skipWhitespace()
    guard index < bytes.count else { throw error("the text is empty; expected a JSON value") }
    let value = try parseValue()
    skipWhitespace()
    if index < bytes.count { throw error("unexpected \(describe(bytes[index])) after the JSON value") }
    return value
  }

  func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
    let offset = min(offset ?? index, bytes.count)
    var line = 1
    var lineStart = 0
    for i in 0..<offset where bytes[i] == UInt8(ascii: "\n") {
      line += 1
      lineStart = i + 1
    }
    // Columns count characters, not bytes: skip UTF-8 continuation bytes.
    var column = 1
    var i = lineStart
    while i < offset {
      if bytes[i] & 0xC0 != 0x80 { column += 1 }
      i += 1
    }
    if offset > lineStart && bytes[offset - 1] & 0xC0 == 0x80 && offset < bytes.count
      && bytes[offset] & 0xC0 == 0x80
    {
      column -= 1
    }
    return JSONSyntaxError(line: line, column: column, message: message)
  }

  func describe(_ byte: UInt8) -> String {
    switch byte {
    case 0: return "NUL byte"
    case 0x20...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
    default:
      let hex = String(byte, radix: 16, uppercase: true)
      return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }
  }

  @inline(__always)
  mutating func skipWhitespace() { index = Self.whitespaceEnd(bytes, from: index) }

  /// Where the white space starting at `index` ends.
  @inline(__always)
  static func whitespaceEnd(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
    var index = index
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x0A, 0x0D, 0x09: index += 1
      default: return index
      }
    }
    return index
  }

  /// Checks the next value as strictly as `parseValue` and moves past it without building it.
  mutating func skipValue() throws(JSONSyntaxError) {
    let saved = building
    building = false
    defer { building = saved }
    _ = try parseValue()
  }

  mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
    guard index < bytes.count else { throw error("unexpected end of text; expected a JSON value") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try expectLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectLiteral("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw error("unexpected \(describe(bytes[index])); expected a JSON value")
    }
  }

  mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
    guard Self.literal(literal, in: bytes, at: index) else { throw error("invalid literal; expected '\(literal)'") }
    index += literal.utf8CodeUnitCount
  }

  /// Whether `bytes` hold `word` at `index`.
  @inline(__always)
  static func literal(_ word: StaticString, in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
    let count = word.utf8CodeUnitCount
    guard bytes.count - index >= count else { return false }
    for k in 0..<count where bytes[index + k] != word.utf8Start[k] { return false }
    return true
  }

  mutating func enter() throws(JSONSyntaxError) {
    depth += 1
    if depth > JSONReader.maximumDepth {
      throw error("nesting deeper than \(JSONReader.maximumDepth) levels")
    }
  }

  /// Parses an object; with `wanted`, only the keys listed (as bytes) are built and the other
  /// values are skipped, checked just as strictly.
  mutating func parseObject(keeping wanted: [[UInt8]]? = nil) throws(JSONSyntaxError) -> JSONValue {
    try enter()
    index += 1
    var pairs: [JSONObject.Pair] = []
    // A record kept partly holds a key or two; a store file holds a million of them.
    if building { pairs.reserveCapacity(wanted.map { min($0.count, 8) } ?? 8) }
    // Duplicate keys: the last value wins, in the first key's place. Small objects are
    // searched; large ones (a store file's map of records) get an index.
    var positions: [[UInt8]: Int]?
    skipWhitespace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
      index += 1
      depth -= 1
      return .object(JSONObject())
    }
    while true {
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of text inside an object") }
      guard bytes[index] == UInt8(ascii: "\"") else {
        throw error("unexpected \(describe(bytes[index])); expected a string key")
      }
      var key: String
      var keep = true
      if let wanted, building {
        let keyStart = index + 1
        building = false
        defer { building = true }
        _ = try parseString()
        let raw = UnsafeBufferPointer(rebasing: bytes[keyStart..<(index - 1)])
        if raw.contains(UInt8(ascii: "\\")) {
          var again = JSONParser(UnsafeBufferPointer(rebasing: bytes[(keyStart - 1)...]))
          key = (try? again.parseString()) ?? ""
          keep = wanted.contains { $0.elementsEqual(key.utf8) }
        } else {
          keep = wanted.contains { Self.equal($0, raw) }
          key = keep ? String(decoding: raw, as: UTF8.self) : ""
        }
      } else {
        key = try parseString()
      }
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of text inside an object") }
      guard bytes[index] == UInt8(ascii: ":") else {
        throw error("unexpected \(describe(bytes[index])); expected ':' after the key")
      }
      index += 1
      skipWhitespace()
      let value: JSONValue
      if keep {
        value = try parseValue()
      } else {
        try skipValue()
        value = .null
      }
      if !building || !keep {
        // Skipping: nothing to keep.
      } else if let existing = Self.position(of: key, in: pairs, index: &positions) {
        pairs[existing].value = value
      } else {
        pairs.append((key, value))
      }
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of text inside an object") }
      switch bytes[index] {
      case UInt8(ascii: ","): index += 1
      case UInt8(ascii: "}"):
        index += 1
        depth -= 1
        return .object(JSONObject(distinctPairs: pairs))
      default: throw error("unexpected \(describe(bytes[index])); expected ',' or '}'")
      }
    }
  }

  /// Where `key` already stands among `pairs`; past 16 pairs, through an index kept in
  /// `positions` (which also records the new key when it is not there).
  static func position(of key: String, in pairs: [JSONObject.Pair], index positions: inout [[UInt8]: Int]?) -> Int? {
    if positions == nil {
      if pairs.count < 16 {
        for i in pairs.indices where JSONObject.sameKey(pairs[i].key, key) { return i }
        return nil
      }
      var built: [[UInt8]: Int] = [:]
      built.reserveCapacity(pairs.count * 2)
      for (i, pair) in pairs.enumerated() { built[Array(pair.key.utf8)] = i }
      positions = built
    }
    let bytes = Array(key.utf8)
    if let existing = positions?[bytes] { return existing }
    positions?[bytes] = pairs.count
    return nil
  }

  mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
    try enter()
    index += 1
    var array: [JSONValue] = []
    skipWhitespace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
      index += 1
      depth -= 1
      return .array(array)
    }
    while true {
      skipWhitespace()
      let value = try parseValue()
      if building { array.append(value) }
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of text inside an array") }
      switch bytes[index] {
      case UInt8(ascii: ","): index += 1
      case UInt8(ascii: "]"):
        index += 1
        depth -= 1
        return .array(array)
      default: throw error("unexpected \(describe(bytes[index])); expected ',' or ']'")
      }
    }
  }

  @inline(__always)
  static func equal(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    for i in 0..<a.count where a[i] != b[i] { return false }
    return true
  }

  /// Whether any of the eight bytes is a quote, a backslash, a control character or not ASCII.
  @inline(__always)
  static func special(_ word: UInt64) -> Bool { specialBytes(word) != 0 }

  /// The high bit of each of the eight bytes (loaded little-endian) that is a quote, a
  /// backslash, a control character or not ASCII ("Bit Twiddling Hacks"). A borrow may also
  /// flag a byte above one that matches, never one below, so the lowest bit set marks the
  /// first special byte exactly.
  @inline(__always)
  static func specialBytes(_ word: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    @inline(__always) func hasZero(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
    let quote = hasZero(word ^ (ones &* 0x22))
    let backslash = hasZero(word ^ (ones &* 0x5C))
    let control = (word &- ones &* 0x20) & ~word & highs
    return quote | backslash | control | (word & highs)
  }

  mutating func parseString() throws(JSONSyntaxError) -> String {
    let start = index
    index += 1
    let contentStart = index
    // Fast path: no escapes. Pure ASCII needs no UTF-8 check. Eight plain ASCII bytes at a
    // time first; the byte loop takes over at the first word holding anything else.
    if let base = bytes.baseAddress {
      var i = index
      while i + 8 <= bytes.count && !Self.special(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { i += 8 }
      index = i
    }
    var seen: UInt8 = 0
    while index < bytes.count {
      let byte = bytes[index]
      seen |= byte
      if byte == UInt8(ascii: "\"") {
        let slice = UnsafeBufferPointer(rebasing: bytes[contentStart..<index])
        index += 1
        guard seen < 0x80 || UTF8Text.isValid(slice) else {
          throw error("invalid UTF-8 in a string", at: invalidUTF8Offset(contentStart, index - 1))
        }
        return building ? String(decoding: slice, as: UTF8.self) : ""
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw error("unescaped control character \(describe(byte)) in a string") }
      index += 1
    }
    guard index < bytes.count else { throw error("unterminated string", at: start) }
    var scratch = Array(UnsafeBufferPointer(rebasing: bytes[contentStart..<index]))
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        index += 1
        guard let string = scratch.withUnsafeBufferPointer(UTF8Text.string) else {
          throw error("invalid UTF-8 in a string", at: start)
        }
        return string
      case UInt8(ascii: "\\"):
        index += 1
        guard index < bytes.count else { throw error("unterminated string", at: start) }
        let escaped = bytes[index]
        index += 1
        switch escaped {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
          let scalar = try parseUnicodeEscape()
          scratch.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
          throw error("invalid escape '\\\(Character(Unicode.Scalar(escaped)))' in a string", at: index - 2)
        }
      default:
        if byte < 0x20 { throw error("unescaped control character \(describe(byte)) in a string") }
        scratch.append(byte)
        index += 1
      }
    }
    throw error("unterminated string", at: start)
  }

  func invalidUTF8Offset(_ from: Int, _ to: Int) -> Int {
    var i = from
    while i < to {
      let lead = bytes[i]
      let length: Int
      switch lead {
      case 0x00...0x7F: length = 1
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default: return i
      }
      guard i + length <= to, UTF8Text.isValid(UnsafeBufferPointer(rebasing: bytes[i..<(i + length)])) else { return i }
      i += length
    }
    return from
  }

  mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
    guard bytes.count - index >= 4 else { throw error("incomplete \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw error("invalid hex digit \(describe(byte)) in a \\u escape")
      }
      value = value << 4 | digit
      index += 1
    }
    return value
  }

  mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
    let start = index - 2
    let first = try parseHex4()
    if (0xDC00...0xDFFF).contains(first) {
      throw error("lone low surrogate in a \\u escape", at: start)
    }
    if (0xD800...0xDBFF).contains(first) {
      guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"),
        bytes[index + 1] == UInt8(ascii: "u")
      else { throw error("high surrogate not followed by a low surrogate", at: start) }
      index += 2
      let second = try parseHex4()
      guard (0xDC00...0xDFFF).contains(second) else {
        throw error("high surrogate not followed by a low surrogate", at: start)
      }
      let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
      guard let scalar = Unicode.Scalar(combined) else { throw error("invalid \\u escape", at: start) }
      return scalar
    }
    guard let scalar = Unicode.Scalar(first) else { throw error("invalid \\u escape", at: start) }
    return scalar
  }

  mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
    let start = index
    var negative = false
    if bytes[index] == UInt8(ascii: "-") {
      negative = true
      index += 1
    }
    guard index < bytes.count, isDigit(bytes[index]) else {
      throw error("invalid number; expected a digit", at: index)
    }
    var isInteger = true
    var hasExponent = false
    let digitsStart = index
    var magnitude: UInt64 = 0
    var overflow = false
    // Whether a digit other than 0 comes before the exponent: such a number that reads as 0
    // is too small for a Double.
    var nonzero = false
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
      if index < bytes.count && isDigit(bytes[index]) {
        throw error("invalid number; leading zeros are not allowed", at: start)
      }
    } else {
      nonzero = true
      while index < bytes.count && isDigit(bytes[index]) {
        let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
        let (m2, o2) = m1.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
        magnitude = m2
        overflow = overflow || o1 || o2
        index += 1
      }
    }
    let integerDigits = index - digitsStart
    var fractionDigits = 0
    if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
      isInteger = false
      index += 1
      guard index < bytes.count, isDigit(bytes[index]) else {
        throw error("invalid number; expected a digit after '.'", at: index)
      }
      let fractionStart = index
      while index < bytes.count && isDigit(bytes[index]) {
        if bytes[index] != UInt8(ascii: "0") { nonzero = true }
        index += 1
      }
      fractionDigits = index - fractionStart
    }
    if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
      isInteger = false
      hasExponent = true
      index += 1
      if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
        index += 1
      }
      guard index < bytes.count, isDigit(bytes[index]) else {
        throw error("invalid number; expected a digit in the exponent", at: index)
      }
      while index < bytes.count && isDigit(bytes[index]) { index += 1 }
    }
    if isInteger {
      if !overflow {
        if negative {
          if magnitude <= UInt64(Int64.max) + 1 {
            return .integer(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
          }
        } else if magnitude <= UInt64(Int64.max) {
          return .integer(Int64(magnitude))
        }
      }
      throw error("integer out of the 64-bit range", at: start)
    }
    // Skipping: without an exponent, fewer than 309 integer digits cannot overflow a Double,
    // and fewer than 300 fraction digits cannot fall below its smallest value.
    if !building && !hasExponent && integerDigits < 309 && fractionDigits < 300 { return .null }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    guard let double = Double(text), double.isFinite, double != 0 || !nonzero else {
      throw error("number out of range", at: start)
    }
    return .double(double)
  }

  @inline(__always)
  func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
