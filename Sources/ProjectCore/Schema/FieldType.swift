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

/// One field's type and constraints.
public struct FieldSpec: Hashable, Sendable {
  public var type: FieldType
  public var required = false
  public var defaultValue: JSONValue?
  public var minimum: Double?
  public var maximum: Double?
  public var minLength: Int?
  public var maxLength: Int?
  public var pattern: String?
  public var unique = false
  public var description: String?

  public init(type: FieldType) { self.type = type }
}

/// The fields of a record or of a nested object, in declaration order.
public struct ObjectSchema: Hashable, Sendable {
  public var fields: [(name: String, spec: FieldSpec)]
  /// Whether keys that are not declared are accepted.
  public var additional: Bool

  public init(fields: [(name: String, spec: FieldSpec)] = [], additional: Bool = false) {
    self.fields = fields
    self.additional = additional
  }

  public func spec(for name: String) -> FieldSpec? {
    fields.first { $0.name == name }?.spec
  }

  public var fieldNames: [String] { fields.map(\.name) }

  /// The spec at a dotted path, stepping into nested objects and array items' objects.
  public func spec(at path: FieldPath) -> FieldSpec? {
    guard let first = path.components.first, let spec = spec(for: first) else { return nil }
    if path.components.count == 1 { return spec }
    switch spec.type {
    case .object(let nested): return nested.spec(at: path.dropFirst())
    default: return nil
    }
  }

  /// Whether a path lies inside a free-form part of the schema (`additional: true` or `any`).
  public func isFreeForm(_ path: FieldPath) -> Bool {
    guard let first = path.components.first else { return false }
    guard let spec = spec(for: first) else { return additional }
    if path.components.count == 1 { return false }
    switch spec.type {
    case .object(let nested): return nested.isFreeForm(path.dropFirst())
    case .any: return true
    default: return false
    }
  }

  public static func == (lhs: ObjectSchema, rhs: ObjectSchema) -> Bool {
    lhs.additional == rhs.additional && lhs.fields.map(\.name) == rhs.fields.map(\.name)
      && lhs.fields.map(\.spec) == rhs.fields.map(\.spec)
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(additional)
    for field in fields {
      hasher.combine(field.name)
      hasher.combine(field.spec)
    }
  }
}
