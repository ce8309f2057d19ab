/// The recursive-descent parser behind `JSONReader`, over a byte buffer: values built from the
/// steps of a `JSONCursor`, which checks them and words every error.
struct JSONParser {
  var cursor: JSONCursor

  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    cursor = JSONCursor(bytes)
    if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { cursor.index = 3 }
  }

  var bytes: UnsafeBufferPointer<UInt8> { cursor.bytes }

  var index: Int {
    @inline(__always) get { cursor.index }
    @inline(__always) set { cursor.index = newValue }
  }

  var depth: Int {
    @inline(__always) get { cursor.depth }
    @inline(__always) set { cursor.depth = newValue }
  }

  /// Checks that the text is exactly one JSON value, without building it.
  mutating func parseDocumentSkipping() throws(JSONSyntaxError) {
    skipWhitespace()
    guard index < bytes.count else { throw error("the text is empty; expected a JSON value") }
    try skipValue()
    try finishDocument()
  }

  mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
    skipWhitespace()
    guard index < bytes.count else { throw error("the text is empty; expected a JSON value") }
    let value = try parseValue()
    try finishDocument()
    return value
  }

  /// Nothing but white space after the value.
  mutating func finishDocument() throws(JSONSyntaxError) {
    skipWhitespace()
    if index < bytes.count { throw error("unexpected \(describe(bytes[index])) after the JSON value") }
  }

  func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError { cursor.error(message, at: offset) }

  func describe(_ byte: UInt8) -> String { JSONCursor.describe(byte) }

  @inline(__always)
  mutating func skipWhitespace() { cursor.skipWhitespace() }

  /// Where the white space starting at `index` ends.
  @inline(__always)
  static func whitespaceEnd(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
    JSONCursor.whitespaceEnd(bytes, from: index)
  }

  /// Checks the next value as strictly as `parseValue` and moves past it without building it.
  mutating func skipValue() throws(JSONSyntaxError) { try cursor.skipValue() }

  mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
    switch try cursor.valueStart() {
    case .object: return try parseObject()
    case .array: return try parseArray()
    case .string: return .string(try parseString())
    case .true:
      try cursor.literal("true")
      return .bool(true)
    case .false:
      try cursor.literal("false")
      return .bool(false)
    case .null:
      try cursor.literal("null")
      return .null
    case .number:
      let number = try cursor.scanNumber()
      return number.kind == .integer ? .integer(number.value) : .double(try cursor.double(number))
    }
  }

  mutating func enter() throws(JSONSyntaxError) { try cursor.enter() }

  /// Parses an object; with `wanted`, only the keys listed (as bytes) are built and the other
  /// values are skipped, checked just as strictly.
  mutating func parseObject(keeping wanted: [[UInt8]]? = nil) throws(JSONSyntaxError) -> JSONValue {
    // A record kept partly holds a key or two; a store file holds a million of them.
    var pairs: [JSONObject.Pair] = []
    pairs.reserveCapacity(wanted.map { min($0.count, 8) } ?? 8)
    // Duplicate keys: the last value wins, in the first key's place. Small objects are
    // searched; large ones (a store file's map of records) get an index.
    var positions: [[UInt8]: Int]?
    guard try cursor.openObject() else { return .object(JSONObject()) }
    repeat {
      let scanned = try cursor.key()
      var key: String
      var keep = true
      if let wanted {
        if scanned.escaped {
          key = cursor.decode(scanned)
          keep = wanted.contains { $0.elementsEqual(key.utf8) }
        } else {
          let raw = UnsafeBufferPointer(rebasing: bytes[scanned.content])
          keep = wanted.contains { JSONCursor.equal($0, raw) }
          key = keep ? String(decoding: raw, as: UTF8.self) : ""
        }
      } else {
        key = cursor.decode(scanned)
      }
      if keep {
        let value = try parseValue()
        if let existing = Self.position(of: key, in: pairs, index: &positions) {
          pairs[existing].value = value
        } else {
          pairs.append((key, value))
        }
      } else {
        try cursor.skipValue()
      }
    } while try cursor.nextMember()
    return .object(JSONObject(distinctPairs: pairs))
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
    var array: [JSONValue] = []
    guard try cursor.openArray() else { return .array(array) }
    repeat {
      skipWhitespace()
      array.append(try parseValue())
    } while try cursor.nextElement()
    return .array(array)
  }

  mutating func parseString() throws(JSONSyntaxError) -> String {
    cursor.decode(try cursor.scanString())
  }
}
