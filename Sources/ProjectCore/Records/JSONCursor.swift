/// The one reading of JSON bytes: a position in a buffer, the nesting depth, and the grammar of
/// RFC 8259 as steps from there. Every reader of JSON text is built on it: `JSONParser` (values,
/// errors with line and column), `RowEncoder` (a record's row for bulk loads),
/// `JSONExtractFunction` (SQLite's `json_extract`, short way) and `CanonicalScanner` (whether
/// stored text can go out as it is). They differ in what they do with what they read; what is
/// valid JSON, and how an error is worded, is decided here only.
///
/// Each step checks as strictly as a full parse: strings (control characters, escapes, lone
/// surrogates, UTF-8), numbers (the grammar, 64-bit integers, doubles in range), literals and
/// nesting up to `JSONLimits.readerDepth` levels. A step that fails throws the strict reader's
/// error at its position; readers that only need a yes or no catch it and answer no.
struct JSONCursor {
  let bytes: UnsafeBufferPointer<UInt8>
  var index: Int
  /// Open objects and arrays around the position.
  var depth = 0

  init(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int = 0) {
    self.bytes = bytes
    self.index = index
  }

  // MARK: White space and single bytes

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

  /// Whether `byte` stands at the position.
  @inline(__always)
  func at(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

  @inline(__always)
  static func equal(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    for i in 0..<a.count where a[i] != b[i] { return false }
    return true
  }

  @inline(__always)
  static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

  // MARK: Errors

  /// The error `message` at `offset` (the position when nil), as line and column: lines count
  /// from 1 after each line feed, columns count characters, not bytes.
  func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
    let offset = min(offset ?? index, bytes.count)
    var count = LineCount()
    count.add(UnsafeBufferPointer(rebasing: bytes[0..<offset]))
    let (line, column) = count.position(
      previous: offset > 0 ? bytes[offset - 1] : nil, next: offset < bytes.count ? bytes[offset] : nil)
    return JSONSyntaxError(line: line, column: column, message: message)
  }

  /// A byte as error messages name it: `'x'`, `NUL byte` or `byte 0xNN`.
  static func describe(_ byte: UInt8) -> String {
    switch byte {
    case 0: return "NUL byte"
    case 0x20...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
    default:
      let hex = String(byte, radix: 16, uppercase: true)
      return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }
  }

  /// "unexpected <the byte here>; expected <what>".
  func unexpected(_ expected: String) -> JSONSyntaxError {
    error("unexpected \(Self.describe(bytes[index])); expected \(expected)")
  }

  // MARK: Values

  enum Start {
    case object, array, string, `true`, `false`, null, number
  }

  /// What the value at the position is, from its first byte; throws when no value starts here.
  @inline(__always)
  func valueStart() throws(JSONSyntaxError) -> Start {
    guard index < bytes.count else { throw error("unexpected end of text; expected a JSON value") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return .object
    case UInt8(ascii: "["): return .array
    case UInt8(ascii: "\""): return .string
    case UInt8(ascii: "t"): return .true
    case UInt8(ascii: "f"): return .false
    case UInt8(ascii: "n"): return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
    default: throw unexpected("a JSON value")
    }
  }

  /// Past `word` (`true`, `false` or `null`), which must stand here.
  @inline(__always)
  mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
    guard Self.literal(word, in: bytes, at: index) else { throw error("invalid literal; expected '\(word)'") }
    index += word.utf8CodeUnitCount
  }

  /// Whether `bytes` hold `word` at `index`.
  @inline(__always)
  static func literal(_ word: StaticString, in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
    let count = word.utf8CodeUnitCount
    guard bytes.count - index >= count else { return false }
    for k in 0..<count where bytes[index + k] != word.utf8Start[k] { return false }
    return true
  }

  /// Moves past the value here, checking it as strictly as a full parse, building nothing.
  mutating func skipValue() throws(JSONSyntaxError) {
    switch try valueStart() {
    case .object:
      guard try openObject() else { return }
      repeat {
        _ = try key()
        try skipValue()
      } while try nextMember()
    case .array:
      guard try openArray() else { return }
      repeat {
        skipWhitespace()
        try skipValue()
      } while try nextElement()
    case .string: _ = try scanString()
    case .true: try literal("true")
    case .false: try literal("false")
    case .null: try literal("null")
    case .number:
      let number = try scanNumber()
      // Without an exponent, fewer than 309 integer digits cannot overflow a Double, and
      // fewer than 300 fraction digits cannot fall below its smallest value.
      if number.kind == .exponent || number.integerDigits >= 309 || number.fractionDigits >= 300 {
        _ = try double(number)
      }
    }
  }

  // MARK: Objects and arrays

  /// One level deeper, refused past `JSONLimits.readerDepth`.
  @inline(__always)
  mutating func enter() throws(JSONSyntaxError) {
    depth += 1
    if depth > JSONLimits.readerDepth {
      throw error("nesting deeper than \(JSONLimits.readerDepth) levels")
    }
  }

  /// Past the `{` here (one level deeper) and any white space: true when a member follows,
  /// false past the `}` of an empty object.
  @inline(__always)
  mutating func openObject() throws(JSONSyntaxError) -> Bool {
    try open(closing: UInt8(ascii: "}"))
  }

  /// Past the `[` here (one level deeper) and any white space: true when an element follows,
  /// false past the `]` of an empty array.
  @inline(__always)
  mutating func openArray() throws(JSONSyntaxError) -> Bool {
    try open(closing: UInt8(ascii: "]"))
  }

  @inline(__always)
  mutating func open(closing: UInt8) throws(JSONSyntaxError) -> Bool {
    try enter()
    index += 1
    skipWhitespace()
    if at(closing) {
      index += 1
      depth -= 1
      return false
    }
    return true
  }

  /// A member's key (after white space), then its `:` and the white space before the value.
  @inline(__always)
  mutating func key() throws(JSONSyntaxError) -> ScannedString {
    skipWhitespace()
    guard index < bytes.count else { throw error("unexpected end of text inside an object") }
    guard bytes[index] == UInt8(ascii: "\"") else { throw unexpected("a string key") }
    let key = try scanString()
    skipWhitespace()
    guard index < bytes.count else { throw error("unexpected end of text inside an object") }
    guard bytes[index] == UInt8(ascii: ":") else { throw unexpected("':' after the key") }
    index += 1
    skipWhitespace()
    return key
  }

  /// After a member: true past a `,`, false past the closing `}` (one level up).
  @inline(__always)
  mutating func nextMember() throws(JSONSyntaxError) -> Bool {
    try next(closing: UInt8(ascii: "}"), inside: "an object")
  }

  /// After an element: true past a `,`, false past the closing `]` (one level up).
  @inline(__always)
  mutating func nextElement() throws(JSONSyntaxError) -> Bool {
    try next(closing: UInt8(ascii: "]"), inside: "an array")
  }

  @inline(__always)
  mutating func next(closing: UInt8, inside: StaticString) throws(JSONSyntaxError) -> Bool {
    skipWhitespace()
    guard index < bytes.count else { throw error("unexpected end of text inside \(inside)") }
    switch bytes[index] {
    case UInt8(ascii: ","):
      index += 1
      return true
    case closing:
      index += 1
      depth -= 1
      return false
    default:
      throw unexpected("',' or '\(Character(Unicode.Scalar(closing)))'")
    }
  }

  // MARK: Strings

  /// A string read and checked: its content between the quotes, and whether it holds escapes
  /// (without them, the content is the text itself).
  struct ScannedString {
    let content: Range<Int>
    let escaped: Bool
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

  /// Past the string at `"`, checked: no control characters, valid escapes (surrogates in
  /// pairs), valid UTF-8. Plain ASCII goes eight bytes at a time; the lowest special byte of a
  /// word is where to look next.
  @inline(__always)
  mutating func scanString() throws(JSONSyntaxError) -> ScannedString {
    let start = index
    index += 1
    let contentStart = index
    var escaped = false
    var seen: UInt8 = 0
    guard let base = bytes.baseAddress else { throw error("unterminated string", at: start) }
    while true {
      while index + 8 <= bytes.count {
        let special = Self.specialBytes(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self).littleEndian)
        if special == 0 {
          index += 8
          continue
        }
        index += special.trailingZeroBitCount >> 3
        break
      }
      guard index < bytes.count else { throw error("unterminated string", at: start) }
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        let content = contentStart..<index
        index += 1
        if seen >= 0x80 && !UTF8Text.isValid(UnsafeBufferPointer(rebasing: bytes[content])) {
          // Escapes are ASCII: the text is valid exactly when what it decodes to is.
          throw error("invalid UTF-8 in a string", at: escaped ? start : invalidUTF8Offset(content))
        }
        return ScannedString(content: content, escaped: escaped)
      case UInt8(ascii: "\\"):
        escaped = true
        index += 1
        guard index < bytes.count else { throw error("unterminated string", at: start) }
        let code = bytes[index]
        index += 1
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
          UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
          break
        case UInt8(ascii: "u"): _ = try unicodeEscape()
        default:
          throw error("invalid escape '\\\(Character(Unicode.Scalar(code)))' in a string", at: index - 2)
        }
      case 0..<0x20:
        throw error("unescaped control character \(Self.describe(byte)) in a string")
      default:
        seen |= byte
        index += 1
      }
    }
  }

  /// The text of a string `scanString` checked, its escapes decoded.
  func decode(_ string: ScannedString) -> String {
    let content = UnsafeBufferPointer(rebasing: bytes[string.content])
    guard string.escaped else { return String(decoding: content, as: UTF8.self) }
    var scratch: [UInt8] = []
    scratch.reserveCapacity(content.count)
    var i = string.content.lowerBound
    while i < string.content.upperBound {
      let byte = bytes[i]
      i += 1
      guard byte == UInt8(ascii: "\\") else {
        scratch.append(byte)
        continue
      }
      let code = bytes[i]
      i += 1
      switch code {
      case UInt8(ascii: "b"): scratch.append(0x08)
      case UInt8(ascii: "f"): scratch.append(0x0C)
      case UInt8(ascii: "n"): scratch.append(0x0A)
      case UInt8(ascii: "r"): scratch.append(0x0D)
      case UInt8(ascii: "t"): scratch.append(0x09)
      case UInt8(ascii: "u"):
        var escape = JSONCursor(bytes, at: i)
        let scalar = (try? escape.unicodeEscape()) ?? "\u{FFFD}"
        i = escape.index
        scratch.append(contentsOf: String(Character(scalar)).utf8)
      default: scratch.append(code)
      }
    }
    return String(decoding: scratch, as: UTF8.self)
  }

  /// Where the first byte of `range` that does not begin a valid UTF-8 character stands.
  func invalidUTF8Offset(_ range: Range<Int>) -> Int {
    var i = range.lowerBound
    while i < range.upperBound {
      let lead = bytes[i]
      let length: Int
      switch lead {
      case 0x00...0x7F: length = 1
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default: return i
      }
      guard i + length <= range.upperBound,
        UTF8Text.isValid(UnsafeBufferPointer(rebasing: bytes[i..<(i + length)]))
      else { return i }
      i += length
    }
    return range.lowerBound
  }

  mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
    guard bytes.count - index >= 4 else { throw error("incomplete \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw error("invalid hex digit \(Self.describe(byte)) in a \\u escape")
      }
      value = value << 4 | digit
      index += 1
    }
    return value
  }

  /// The character of the `\u` escape whose four digits start here (two escapes for a
  /// surrogate pair).
  mutating func unicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
    let start = index - 2
    let first = try hex4()
    if (0xDC00...0xDFFF).contains(first) {
      throw error("lone low surrogate in a \\u escape", at: start)
    }
    if (0xD800...0xDBFF).contains(first) {
      guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"),
        bytes[index + 1] == UInt8(ascii: "u")
      else { throw error("high surrogate not followed by a low surrogate", at: start) }
      index += 2
      let second = try hex4()
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

  // MARK: Numbers

  /// A number read and checked against the grammar; an integer also against the 64-bit range.
  struct ScannedNumber {
    enum Kind {
      /// Digits only: `value` holds it.
      case integer
      /// With a `.`, without an exponent.
      case fraction
      /// With an exponent (and maybe a `.`).
      case exponent
    }
    let range: Range<Int>
    let kind: Kind
    let negative: Bool
    let integerDigits: Int
    let fractionDigits: Int
    /// Whether a digit other than 0 comes before the exponent: such a number that reads as 0
    /// is too small for a Double.
    let nonzero: Bool
    /// The integer's value (0 for the other kinds).
    let value: Int64
  }

  @inline(__always)
  mutating func scanNumber() throws(JSONSyntaxError) -> ScannedNumber {
    let start = index
    var negative = false
    if bytes[index] == UInt8(ascii: "-") {
      negative = true
      index += 1
    }
    guard index < bytes.count, Self.isDigit(bytes[index]) else {
      throw error("invalid number; expected a digit", at: index)
    }
    var kind = ScannedNumber.Kind.integer
    let digitsStart = index
    var magnitude: UInt64 = 0
    var overflow = false
    var nonzero = false
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
      if index < bytes.count && Self.isDigit(bytes[index]) {
        throw error("invalid number; leading zeros are not allowed", at: start)
      }
    } else {
      nonzero = true
      while index < bytes.count && Self.isDigit(bytes[index]) {
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
      kind = .fraction
      index += 1
      guard index < bytes.count, Self.isDigit(bytes[index]) else {
        throw error("invalid number; expected a digit after '.'", at: index)
      }
      let fractionStart = index
      while index < bytes.count && Self.isDigit(bytes[index]) {
        if bytes[index] != UInt8(ascii: "0") { nonzero = true }
        index += 1
      }
      fractionDigits = index - fractionStart
    }
    if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
      kind = .exponent
      index += 1
      if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
        index += 1
      }
      guard index < bytes.count, Self.isDigit(bytes[index]) else {
        throw error("invalid number; expected a digit in the exponent", at: index)
      }
      while index < bytes.count && Self.isDigit(bytes[index]) { index += 1 }
    }
    var value: Int64 = 0
    if kind == .integer {
      if overflow || magnitude > UInt64(Int64.max) + (negative ? 1 : 0) {
        throw error("integer out of the 64-bit range", at: start)
      }
      value = magnitude == UInt64(Int64.max) + 1 ? Int64.min : (negative ? -Int64(magnitude) : Int64(magnitude))
    }
    return ScannedNumber(
      range: start..<index, kind: kind, negative: negative, integerDigits: integerDigits,
      fractionDigits: fractionDigits, nonzero: nonzero, value: value)
  }

  /// A number with a fraction or an exponent as a Double, refused when it overflows or when it
  /// is not zero but reads as zero.
  func double(_ number: ScannedNumber) throws(JSONSyntaxError) -> Double {
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[number.range]), as: UTF8.self)
    guard let double = Double(text), double.isFinite, double != 0 || !number.nonzero else {
      throw error("number out of range", at: number.range.lowerBound)
    }
    return double
  }
}
