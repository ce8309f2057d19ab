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
  final class Storage: @unchecked Sendable {
    var type: FieldType
    var required: Bool = false
    var defaultValue: JSONValue? = nil
    var minimum: Double? = nil
    var maximum: Double? = nil
    var minLength: Int? = nil
    var maxLength: Int? = nil
    var pattern: String? = nil
    var unique: Bool = false
    var description: String? = nil
    init(type: FieldType) { self.type = type }
    func copy() -> Storage {
      let copy = Storage(type: type)
      copy.required = required
      copy.defaultValue = defaultValue
      copy.minimum = minimum
      copy.maximum = maximum
      copy.minLength = minLength
      copy.maxLength = maxLength
      copy.pattern = pattern
      copy.unique = unique
      copy.description = description
      return copy
    }
  }

  var storage: Storage

  public init(type: FieldType) { storage = Storage(type: type) }

  mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
  }

  public var type: FieldType {
    get { storage.type }
    set { makeUnique(); storage.type = newValue }
  }
  public var required: Bool {
    get { storage.required }
    set { makeUnique(); storage.required = newValue }
  }
  public var defaultValue: JSONValue? {
    get { storage.defaultValue }
    set { makeUnique(); storage.defaultValue = newValue }
  }
  public var minimum: Double? {
    get { storage.minimum }
    set { makeUnique(); storage.minimum = newValue }
  }
  public var maximum: Double? {
    get { storage.maximum }
    set { makeUnique(); storage.maximum = newValue }
  }
  public var minLength: Int? {
    get { storage.minLength }
    set { makeUnique(); storage.minLength = newValue }
  }
  public var maxLength: Int? {
    get { storage.maxLength }
    set { makeUnique(); storage.maxLength = newValue }
  }
  public var pattern: String? {
    get { storage.pattern }
    set { makeUnique(); storage.pattern = newValue }
  }
  public var unique: Bool {
    get { storage.unique }
    set { makeUnique(); storage.unique = newValue }
  }
  public var description: String? {
    get { storage.description }
    set { makeUnique(); storage.description = newValue }
  }

  public static func == (lhs: FieldSpec, rhs: FieldSpec) -> Bool {
    if lhs.storage === rhs.storage { return true }
    return lhs.type == rhs.type
      && lhs.required == rhs.required
      && lhs.defaultValue == rhs.defaultValue
      && lhs.minimum == rhs.minimum
      && lhs.maximum == rhs.maximum
      && lhs.minLength == rhs.minLength
      && lhs.maxLength == rhs.maxLength
      && lhs.pattern == rhs.pattern
      && lhs.unique == rhs.unique
      && lhs.description == rhs.description
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(type)
    hasher.combine(required)
    hasher.combine(defaultValue)
    hasher.combine(minimum)
    hasher.combine(maximum)
    hasher.combine(minLength)
    hasher.combine(maxLength)
    hasher.combine(pattern)
    hasher.combine(unique)
    hasher.combine(description)
  }
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
