/// Writes `JSONValue`s as JSON text: pretty (two-space indent, one key per line) or compact.
///
/// The output is stable: object keys keep their order, doubles use the shortest text that
/// reads back to the same value and always show they are doubles (`1.0`, `1e+20`), and
/// non-ASCII text is written as UTF-8, not escaped.
public struct JSONWriter {
  public enum Style: Sendable { case pretty, compact }

  public static func string(_ value: JSONValue, style: Style = .compact) -> String {
    String(decoding: bytes(value, style: style), as: UTF8.self)
  }

  public static func bytes(_ value: JSONValue, style: Style = .compact) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(256)
    write(value, to: &out, style: style, indent: 0)
    return out
  }

  public static func write(_ value: JSONValue, to out: inout [UInt8], style: Style, indent: Int) {
    switch value {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .integer(let i): writeInteger(i, to: &out)
    case .double(let d): out.append(contentsOf: formatDouble(d).utf8)
    case .string(let s): writeString(s, to: &out)
    case .array(let items):
      if items.isEmpty {
        out.append(contentsOf: "[]".utf8)
        return
      }
      out.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        newline(&out, style: style, indent: indent + 1)
        write(item, to: &out, style: style, indent: indent + 1)
      }
      newline(&out, style: style, indent: indent)
      out.append(UInt8(ascii: "]"))
    case .object(let object):
      writeObject(object, to: &out, style: style, indent: indent)
    }
  }

  /// Writes an object from key-value pairs, so that callers need not build a `JSONObject` first.
  public static func writeObject(
    _ pairs: some Sequence<(key: String, value: JSONValue)>, to out: inout [UInt8], style: Style,
    indent: Int
  ) {
    var first = true
    out.append(UInt8(ascii: "{"))
    for (key, value) in pairs {
      if !first { out.append(UInt8(ascii: ",")) }
      first = false
      newline(&out, style: style, indent: indent + 1)
      writeString(key, to: &out)
      out.append(UInt8(ascii: ":"))
      if style == .pretty { out.append(UInt8(ascii: " ")) }
      write(value, to: &out, style: style, indent: indent + 1)
    }
    if first {
      out.append(UInt8(ascii: "}"))
      return
    }
    newline(&out, style: style, indent: indent)
    out.append(UInt8(ascii: "}"))
  }

  @inline(__always)
  static func newline(_ out: inout [UInt8], style: Style, indent: Int) {
    guard style == .pretty else { return }
    out.append(UInt8(ascii: "\n"))
    for _ in 0..<indent {
      out.append(0x20)
      out.append(0x20)
    }
  }

  /// Writes the members of a valid JSON object, given as compact or pretty text, each as
  /// `,` + a new line at `indent` + the member pretty-printed, with nested values indented below
  /// it; returns how many there were. Strings and numbers are copied as they are, so text this
  /// writer made comes out exactly as `write` would write its value. The text must already have
  /// been checked to be a JSON object.
  @discardableResult
  public static func reindentMembers(of object: UnsafeBufferPointer<UInt8>, indent: Int, to out: inout [UInt8]) -> Int {
    var members = 0
    var depth = 0
    var expectKey = true
    var i = 0
    let n = object.count
    while i < n && object[i] != UInt8(ascii: "{") { i += 1 }
    i += 1
    while i < n {
      let byte = object[i]
      switch byte {
      case UInt8(ascii: "\""):
        if depth == 0 && expectKey {
          out.append(UInt8(ascii: ","))
          newline(&out, style: .pretty, indent: indent)
          members += 1
          expectKey = false
        }
        let start = i
        i += 1
        while i < n && object[i] != UInt8(ascii: "\"") { i += object[i] == UInt8(ascii: "\\") ? 2 : 1 }
        i = min(i + 1, n)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: object[start..<i]))
        continue
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        var j = i + 1
        while j < n && (object[j] == 0x20 || object[j] == 0x0A || object[j] == 0x0D || object[j] == 0x09) { j += 1 }
        out.append(byte)
        if j < n && (object[j] == UInt8(ascii: "}") || object[j] == UInt8(ascii: "]")) {
          out.append(object[j])
          i = j + 1
          continue
        }
        depth += 1
        newline(&out, style: .pretty, indent: indent + depth)
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        if depth == 0 { return members }
        depth -= 1
        newline(&out, style: .pretty, indent: indent + depth)
        out.append(byte)
      case UInt8(ascii: ","):
        if depth == 0 {
          expectKey = true
        } else {
          out.append(byte)
          newline(&out, style: .pretty, indent: indent + depth)
        }
      case UInt8(ascii: ":"):
        out.append(contentsOf: ": ".utf8)
      case 0x20, 0x0A, 0x0D, 0x09:
        break
      default:
        out.append(byte)
      }
      i += 1
    }
    return members
  }

  /// The shortest text that reads back as the same double, always with a '.' or an exponent.
  public static func formatDouble(_ d: Double) -> String {
    let text = d.description
    if d.isFinite
      && !text.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
    {
      return text + ".0"
    }
    return text
  }

  static let hexDigits = Array("0123456789abcdef".utf8)

  /// Decimal digits straight into the buffer, without making a String.
  @inline(__always)
  static func writeInteger(_ value: Int64, to out: inout [UInt8]) {
    if value >= 0 && value < 10 {
      out.append(UInt8(ascii: "0") + UInt8(value))
      return
    }
    var magnitude = value.magnitude
    if value < 0 { out.append(UInt8(ascii: "-")) }
    let start = out.count
    while magnitude > 0 {
      out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
      magnitude /= 10
    }
    out[start...].reverse()
  }

  public static func writeString(_ s: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var s = s
    s.withUTF8 { utf8 in
      // Most text needs no escape: copy it whole.
      guard utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
        out.append(contentsOf: utf8)
        return
      }
      var runStart = 0
      for i in 0..<utf8.count {
        let byte = utf8[i]
        guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
        runStart = i + 1
        out.append(0x5C)
        switch byte {
        case 0x22: out.append(0x22)
        case 0x5C: out.append(0x5C)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        default:
          out.append(contentsOf: "u00".utf8)
          out.append(hexDigits[Int(byte >> 4)])
          out.append(hexDigits[Int(byte & 0xF)])
        }
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
    }
    out.append(UInt8(ascii: "\""))
  }
}
