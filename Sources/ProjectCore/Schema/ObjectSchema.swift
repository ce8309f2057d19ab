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
