/// A JSON value as the tests read it: integers and doubles apart, object keys in file order.
indirect enum JSON: Equatable, CustomStringConvertible {
  case null
  case bool(Bool)
  case int(Int64)
  case double(Double)
  case string(String)
  case array([JSON])
  case object([Member])

  struct Member: Equatable {
    var key: String
    var value: JSON
  }

  subscript(key: String) -> JSON? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.key == key }?.value
  }

  subscript(index: Int) -> JSON? {
    guard case .array(let items) = self, items.indices.contains(index) else { return nil }
    return items[index]
  }

  var keys: [String]? {
    guard case .object(let members) = self else { return nil }
    return members.map(\.key)
  }

  var array: [JSON]? {
    guard case .array(let items) = self else { return nil }
    return items
  }

  var string: String? {
    guard case .string(let s) = self else { return nil }
    return s
  }

  var int: Int64? {
    guard case .int(let i) = self else { return nil }
    return i
  }

  var description: String {
    switch self {
    case .null: "null"
    case .bool(let b): b ? "true" : "false"
    case .int(let i): String(i)
    case .double(let d): "double(\(d))"
    case .string(let s): s.debugDescription
    case .array(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
    case .object(let members):
      "{" + members.map { "\($0.key.debugDescription): \($0.value)" }.joined(separator: ", ") + "}"
    }
  }

  /// Strict RFC 8259 parsing of the whole text (surrounding whitespace allowed).
  static func parse(_ text: String) throws -> JSON {
    var parser = Parser(bytes: Array(text.utf8))
    parser.skipSpace()
    let value = try parser.value()
    parser.skipSpace()
    guard parser.index == parser.bytes.count else { throw parser.error("trailing text") }
    return value
  }

  struct ParseError: Error, CustomStringConvertible {
    var description: String
  }

  private struct Parser {
    let bytes: [UInt8]
    var index = 0

    func error(_ message: String) -> ParseError { ParseError(description: "JSON: \(message) at byte \(index)") }

    mutating func skipSpace() {
      while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func expect(_ literal: String) throws {
      let b = Array(literal.utf8)
      guard index + b.count <= bytes.count, Array(bytes[index..<index + b.count]) == b else {
        throw error("expected \(literal)")
      }
      index += b.count
    }

    mutating func value() throws -> JSON {
      guard index < bytes.count else { throw error("unexpected end") }
      switch bytes[index] {
      case UInt8(ascii: "n"):
        try expect("null")
        return .null
      case UInt8(ascii: "t"):
        try expect("true")
        return .bool(true)
      case UInt8(ascii: "f"):
        try expect("false")
        return .bool(false)
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "["):
        index += 1
        var items: [JSON] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
          index += 1
          return .array(items)
        }
        while true {
          skipSpace()
          items.append(try value())
          skipSpace()
          guard index < bytes.count else { throw error("unclosed array") }
          if bytes[index] == UInt8(ascii: ",") {
            index += 1
            continue
          }
          if bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
          }
          throw error("expected , or ]")
        }
      case UInt8(ascii: "{"):
        index += 1
        var members: [Member] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
          index += 1
          return .object(members)
        }
        while true {
          skipSpace()
          guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
          let key = try string()
          skipSpace()
          try expect(":")
          skipSpace()
          members.append(Member(key: key, value: try value()))
          skipSpace()
          guard index < bytes.count else { throw error("unclosed object") }
          if bytes[index] == UInt8(ascii: ",") {
            index += 1
            continue
          }
          if bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
          }
          throw error("expected , or }")
        }
      default:
        return try number()
      }
    }

    mutating func number() throws -> JSON {
      let start = index
      var isInteger = true
      if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
      while index < bytes.count {
        let b = bytes[index]
        if b >= 0x30 && b <= 0x39 {
          index += 1
        } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") || b == UInt8(ascii: "+")
          || b == UInt8(ascii: "-")
        {
          isInteger = false
          index += 1
        } else {
          break
        }
      }
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      if isInteger, let i = Int64(text) { return .int(i) }
      guard let d = Double(text), !text.isEmpty else { throw error("bad number '\(text)'") }
      return .double(d)
    }

    mutating func hex4() throws -> UInt32 {
      guard index + 4 <= bytes.count,
        let v = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
      else {
        throw error("bad \\u escape")
      }
      index += 4
      return v
    }

    mutating func string() throws -> String {
      index += 1
      var out: [UInt8] = []
      while true {
        guard index < bytes.count else { throw error("unclosed string") }
        let b = bytes[index]
        index += 1
        if b == UInt8(ascii: "\"") { break }
        if b < 0x20 { throw error("control character in string") }
        guard b == UInt8(ascii: "\\") else {
          out.append(b)
          continue
        }
        guard index < bytes.count else { throw error("unclosed escape") }
        let e = bytes[index]
        index += 1
        switch e {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if scalar >= 0xD800 && scalar < 0xDC00 {
            try expect("\\u")
            let low = try hex4()
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let u = Unicode.Scalar(scalar) else { throw error("bad scalar") }
          out.append(contentsOf: Array(String(Character(u)).utf8))
        default: throw error("bad escape")
        }
      }
      return String(decoding: out, as: UTF8.self)
    }
  }
}
