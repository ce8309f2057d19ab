/// A stored record written as JSON output straight from its stored text: the `data` object's
/// members spliced between the id and the timestamps, without building a tree.
///
/// The bytes are those `JSONWriter` writes for `Record.orderedJSON(fieldOrder:)`. Where the
/// stored text is not already what the writer would write for it (keys out of schema order, a
/// duplicate key, whitespace, an escape or a number written another way, `id` or a timestamp
/// among the fields), the record is read and written as a tree instead, so the output is the
/// same either way.
public struct RecordText {
  let fieldOrder: [String]
  let fieldKeys: [[UInt8]]

  public init(fieldOrder: [String]) {
    self.fieldOrder = fieldOrder
    fieldKeys = fieldOrder.map { Array($0.utf8) }
  }

  /// Appends the logical record in `style` (pretty: the record's braces at `indent`). `data`
  /// must be a JSON object `JSONReader` reads (as `RawRowStreaming` hands it out).
  public func write(
    id: String, data: UnsafeBufferPointer<UInt8>, createdAt: String, updatedAt: String,
    style: JSONWriter.Style, indent: Int, to out: inout [UInt8]
  ) {
    if isCanonical(data) {
      Self.splice(
        id: id, data: data, createdAt: createdAt, updatedAt: updatedAt, style: style, indent: indent, to: &out)
      return
    }
    let fields = (try? JSONReader.parse(buffer: data))?.objectValue ?? JSONObject()
    let record = Record(id: id, fields: fields, createdAt: createdAt, updatedAt: updatedAt)
    JSONWriter.writeObject(record.orderedJSON(fieldOrder: fieldOrder), to: &out, style: style, indent: indent)
  }

  /// `{` id, the members of `data` as they stand, the timestamps `}`: compact, or pretty with
  /// the members re-indented. Keys keep the order `data` has.
  public static func splice(
    id: String, data: UnsafeBufferPointer<UInt8>, createdAt: String, updatedAt: String,
    style: JSONWriter.Style, indent: Int, to out: inout [UInt8]
  ) {
    out.append(UInt8(ascii: "{"))
    JSONWriter.newline(&out, style: style, indent: indent + 1)
    out.append(contentsOf: (style == .pretty ? "\"id\": " : "\"id\":").utf8)
    JSONWriter.writeString(id, to: &out)
    if style == .pretty {
      JSONWriter.reindentMembers(of: data, indent: indent + 1, to: &out)
    } else if data.count > 2 {
      out.append(UInt8(ascii: ","))
      out.append(contentsOf: UnsafeBufferPointer(rebasing: data[1..<(data.count - 1)]))
    }
    func member(_ key: StaticString, _ value: String) {
      out.append(UInt8(ascii: ","))
      JSONWriter.newline(&out, style: style, indent: indent + 1)
      out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
      if style == .pretty { out.append(0x20) }
      JSONWriter.writeString(value, to: &out)
    }
    member("\"created_at\":", createdAt)
    member("\"updated_at\":", updatedAt)
    JSONWriter.newline(&out, style: style, indent: indent)
    out.append(UInt8(ascii: "}"))
  }

  /// Whether `data` is exactly the compact text `JSONWriter` writes for the object it holds,
  /// with the schema's fields first in schema order and no key the record keeps beside its
  /// fields. Anything this does not recognise counts as not canonical.
  public func isCanonical(_ data: UnsafeBufferPointer<UInt8>) -> Bool {
    var scanner = CanonicalScanner(bytes: data, fieldKeys: fieldKeys)
    return scanner.record()
  }
}

/// Walks compact JSON text, accepting only what `JSONWriter.write(_:style: .compact)` writes:
/// strings, numbers and literals read (and checked) by a `JSONCursor`, then held to the
/// writer's spelling; no white space anywhere.
struct CanonicalScanner {
  let fieldKeys: [[UInt8]]
  var cursor: JSONCursor
  var bytes: UnsafeBufferPointer<UInt8> { cursor.bytes }
  var index: Int {
    @inline(__always) get { cursor.index }
    @inline(__always) set { cursor.index = newValue }
  }
  static let reservedKeys: [[UInt8]] = ["id", "created_at", "updated_at"].map { Array($0.utf8) }
  /// More keys than this in one object are left to the tree path (duplicates are searched by hand).
  static let keyLimit = 64

  init(bytes: UnsafeBufferPointer<UInt8>, fieldKeys: [[UInt8]]) {
    cursor = JSONCursor(bytes)
    self.fieldKeys = fieldKeys
  }

  static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ key: Range<Int>, _ other: [UInt8]) -> Bool {
    guard key.count == other.count else { return false }
    var j = 0
    for i in key {
      if bytes[i] != other[j] { return false }
      j += 1
    }
    return true
  }

  func equal(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { bytes[$0] == bytes[$1] }
  }

  /// The whole record object: top-level keys in schema order, then keys outside the schema.
  mutating func record() -> Bool {
    var next = 0
    var outside = false
    let bytes = self.bytes
    let fieldKeys = self.fieldKeys
    let accepted = object { key in
      for reserved in Self.reservedKeys where Self.equal(bytes, key, reserved) { return false }
      if let found = (next..<fieldKeys.count).first(where: { Self.equal(bytes, key, fieldKeys[$0]) }) {
        if outside { return false }
        next = found + 1
        return true
      }
      // An earlier schema field after a later one would be moved by the tree path.
      if fieldKeys[0..<next].contains(where: { Self.equal(bytes, key, $0) }) { return false }
      outside = true
      return true
    }
    return accepted && index == bytes.count
  }

  mutating func object(_ acceptKey: (Range<Int>) -> Bool = { _ in true }) -> Bool {
    guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return false }
    var keys: [Range<Int>] = []
    return container(closing: UInt8(ascii: "}")) { scanner in
      guard let key = scanner.string(key: true), acceptKey(key), keys.count < Self.keyLimit,
        !keys.contains(where: { scanner.equal($0, key) })
      else { return false }
      keys.append(key)
      guard scanner.index < scanner.bytes.count, scanner.bytes[scanner.index] == UInt8(ascii: ":") else { return false }
      scanner.index += 1
      return scanner.value()
    }
  }

  mutating func array() -> Bool {
    container(closing: UInt8(ascii: "]")) { $0.value() }
  }

  /// An object or an array from its opening byte: `member` read between commas up to `closing`.
  mutating func container(closing: UInt8, _ member: (inout CanonicalScanner) -> Bool) -> Bool {
    guard (try? cursor.enter()) != nil else { return false }
    index += 1
    if index < bytes.count && bytes[index] == closing {
      index += 1
      cursor.depth -= 1
      return true
    }
    while true {
      guard member(&self), index < bytes.count else { return false }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      guard bytes[index] == closing else { return false }
      index += 1
      cursor.depth -= 1
      return true
    }
  }

  mutating func value() -> Bool {
    guard index < bytes.count else { return false }
    switch bytes[index] {
    case UInt8(ascii: "{"): return object()
    case UInt8(ascii: "["): return array()
    case UInt8(ascii: "\""): return string(key: false) != nil
    case UInt8(ascii: "t"): return literal("true")
    case UInt8(ascii: "f"): return literal("false")
    case UInt8(ascii: "n"): return literal("null")
    default: return number()
    }
  }

  mutating func literal(_ word: StaticString) -> Bool {
    (try? cursor.literal(word)) != nil
  }

  /// A string with only the escapes the writer makes; a key must have none. Returns the range
  /// of its content.
  mutating func string(key: Bool) -> Range<Int>? {
    guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let scanned = try? cursor.scanString() else {
      return nil
    }
    guard scanned.escaped else { return scanned.content }
    guard !key else { return nil }
    var i = scanned.content.lowerBound
    while i < scanned.content.upperBound {
      guard bytes[i] == UInt8(ascii: "\\") else {
        i += 1
        continue
      }
      switch bytes[i + 1] {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"),
        UInt8(ascii: "b"), UInt8(ascii: "f"):
        i += 2
      case UInt8(ascii: "u"):
        // Only \u00XX, lower-case hex, for a control without a short escape.
        guard bytes[i + 2] == UInt8(ascii: "0"), bytes[i + 3] == UInt8(ascii: "0"),
          let high = Self.hex(bytes[i + 4]), let low = Self.hex(bytes[i + 5]), high < 2
        else { return nil }
        let code = high * 16 + low
        if code == 0x08 || code == 0x09 || code == 0x0A || code == 0x0C || code == 0x0D { return nil }
        i += 6
      default: return nil
      }
    }
    return scanned.content
  }

  static func hex(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    default: nil
    }
  }

  /// An integer as the writer writes an Int64 (no `-0`, no leading zero, at most 18 digits so
  /// it cannot be out of range), or a double whose text is the writer's for its value.
  mutating func number() -> Bool {
    guard let scanned = try? cursor.scanNumber() else { return false }
    if scanned.kind == .integer {
      return scanned.integerDigits <= 18 && !(scanned.negative && scanned.value == 0)
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[scanned.range]), as: UTF8.self)
    guard let double = Double(text), double.isFinite, double != 0 else { return false }
    return JSONWriter.formatDouble(double) == text
  }
}
