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
///
/// A value type whose fields live in one shared, copy-on-write box: validation walks the
/// schema once per record, and copying a spec must cost one retain, not one per field.
public struct FieldSpec: Hashable, Sendable {
  /// What a field declares; compared and hashed as a whole.
  struct Properties: Hashable {
    var type: FieldType
    var required = false
    var defaultValue: JSONValue?
    var minimum: Double?
    var maximum: Double?
    var minLength: Int?
    var maxLength: Int?
    var pattern: Pattern?
    var unique = false
    var description: String?
  }

  final class Storage: @unchecked Sendable {
    var properties: Properties
    init(_ properties: Properties) { self.properties = properties }
  }

  var storage: Storage

  public init(type: FieldType) { storage = Storage(Properties(type: type)) }

  mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.properties) }
  }

  public var type: FieldType {
    get { storage.properties.type }
    set { makeUnique(); storage.properties.type = newValue }
  }
  public var required: Bool {
    get { storage.properties.required }
    set { makeUnique(); storage.properties.required = newValue }
  }
  public var defaultValue: JSONValue? {
    get { storage.properties.defaultValue }
    set { makeUnique(); storage.properties.defaultValue = newValue }
  }
  public var minimum: Double? {
    get { storage.properties.minimum }
    set { makeUnique(); storage.properties.minimum = newValue }
  }
  public var maximum: Double? {
    get { storage.properties.maximum }
    set { makeUnique(); storage.properties.maximum = newValue }
  }
  public var minLength: Int? {
    get { storage.properties.minLength }
    set { makeUnique(); storage.properties.minLength = newValue }
  }
  public var maxLength: Int? {
    get { storage.properties.maxLength }
    set { makeUnique(); storage.properties.maxLength = newValue }
  }
  public var pattern: Pattern? {
    get { storage.properties.pattern }
    set { makeUnique(); storage.properties.pattern = newValue }
  }
  public var unique: Bool {
    get { storage.properties.unique }
    set { makeUnique(); storage.properties.unique = newValue }
  }
  public var description: String? {
    get { storage.properties.description }
    set { makeUnique(); storage.properties.description = newValue }
  }

  public static func == (lhs: FieldSpec, rhs: FieldSpec) -> Bool {
    lhs.storage === rhs.storage || lhs.storage.properties == rhs.storage.properties
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(storage.properties) }
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
    fields.first { JSONObject.sameKey($0.name, name) }?.spec
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
