import CYAML

/// A YAML document as a tree of nodes, each remembering where it stood in the file.
public indirect enum YAMLNode: Sendable {
  /// `plain` is false for quoted and block scalars, which are always strings.
  case scalar(String, plain: Bool, SourceMark)
  case sequence([YAMLNode], SourceMark)
  case mapping([(key: YAMLNode, value: YAMLNode)], SourceMark)

  public var mark: SourceMark {
    switch self {
    case .scalar(_, _, let m), .sequence(_, let m), .mapping(_, let m): m
    }
  }

  public var kindName: String {
    switch self {
    case .scalar: "a scalar"
    case .sequence: "a list"
    case .mapping: "a mapping"
    }
  }

  /// The value under the YAML 1.2 core schema: null, booleans, integers and floats are resolved
  /// from plain scalars; quoted scalars stay strings.
  public var jsonValue: JSONValue {
    switch self {
    case .scalar(let text, let plain, _):
      return plain ? YAMLNode.resolvePlain(text) : .string(text)
    case .sequence(let items, _):
      return .array(items.map(\.jsonValue))
    case .mapping(let pairs, _):
      var object = JSONObject()
      for pair in pairs { object[pair.key.scalarText ?? JSONWriter.string(pair.key.jsonValue)] = pair.value.jsonValue }
      return .object(object)
    }
  }

  public var scalarText: String? {
    if case .scalar(let text, _, _) = self { return text }
    return nil
  }

  static func resolvePlain(_ text: String) -> JSONValue {
    switch text {
    case "", "~", "null", "Null", "NULL": return .null
    case "true", "True", "TRUE": return .bool(true)
    case "false", "False", "FALSE": return .bool(false)
    case ".inf", ".Inf", ".INF", "+.inf", "-.inf", ".nan", ".NaN", ".NAN": return .string(text)
    default: break
    }
    if let first = text.utf8.first,
      first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || (first >= 0x30 && first <= 0x39)
        || first == UInt8(ascii: ".")
    {
      let unsigned = text.hasPrefix("+") ? String(text.dropFirst()) : text
      if let value = try? JSONReader.parse(unsigned) {
        switch value {
        case .integer, .double: return value
        default: break
        }
      }
      if let i = Int64(unsigned) { return .integer(i) }
      if let d = Double(unsigned), d.isFinite, unsigned.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }),
        unsigned.allSatisfy({ "0123456789.eE+-".contains($0) })
      {
        return .double(d)
      }
    }
    return .string(text)
  }
}

extension YAMLReader {
  /// The version of the libyaml built into this binary.
  public static var libraryVersion: String { String(cString: yaml_get_version_string()) }
}
