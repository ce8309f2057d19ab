/// A JSON value tree that keeps integers and doubles apart and keeps object key order.
public enum JSONValue: Hashable, Sendable {
  case null
  case bool(Bool)
  case integer(Int64)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  /// The name of the value's JSON kind, as error messages say it.
  public var kindName: String {
    switch self {
    case .null: "null"
    case .bool: "boolean"
    case .integer: "integer"
    case .double: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
  }

  public var objectValue: JSONObject? {
    if case .object(let o) = self { return o }
    return nil
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  /// The value at a dotted path, or nil when some step is missing or not an object.
  public subscript(path path: FieldPath) -> JSONValue? {
    var current = self
    for component in path.components {
      guard case .object(let object) = current, let next = object[component] else { return nil }
      current = next
    }
    return current
  }
}
