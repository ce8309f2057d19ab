/// The type of one field in a record schema, as the manifest declares it.
public indirect enum FieldType: Hashable, Sendable {
  case string, integer, number, boolean, datetime, date, any
  case enumeration([String])
  case array(FieldSpec)
  case object(ObjectSchema)

  /// The names the manifest accepts for `type:`.
  public static let names = [
    "string", "integer", "number", "boolean", "datetime", "date", "enum", "array", "object", "any",
  ]

  public var name: String {
    switch self {
    case .string: "string"
    case .integer: "integer"
    case .number: "number"
    case .boolean: "boolean"
    case .datetime: "datetime"
    case .date: "date"
    case .any: "any"
    case .enumeration: "enum"
    case .array: "array"
    case .object: "object"
    }
  }

  /// A short description for help text: `enum (active|archived)`, `array of string`.
  public var summary: String {
    switch self {
    case .enumeration(let values): "enum (\(values.joined(separator: "|")))"
    case .array(let items): "array of \(items.type.summary)"
    default: name
    }
  }
}
