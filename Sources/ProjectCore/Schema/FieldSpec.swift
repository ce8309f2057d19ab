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
    var renamedFrom: [String] = []
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
    set {
      makeUnique()
      storage.properties.type = newValue
    }
  }
  public var required: Bool {
    get { storage.properties.required }
    set {
      makeUnique()
      storage.properties.required = newValue
    }
  }
  public var defaultValue: JSONValue? {
    get { storage.properties.defaultValue }
    set {
      makeUnique()
      storage.properties.defaultValue = newValue
    }
  }
  public var minimum: Double? {
    get { storage.properties.minimum }
    set {
      makeUnique()
      storage.properties.minimum = newValue
    }
  }
  public var maximum: Double? {
    get { storage.properties.maximum }
    set {
      makeUnique()
      storage.properties.maximum = newValue
    }
  }
  public var minLength: Int? {
    get { storage.properties.minLength }
    set {
      makeUnique()
      storage.properties.minLength = newValue
    }
  }
  public var maxLength: Int? {
    get { storage.properties.maxLength }
    set {
      makeUnique()
      storage.properties.maxLength = newValue
    }
  }
  public var pattern: Pattern? {
    get { storage.properties.pattern }
    set {
      makeUnique()
      storage.properties.pattern = newValue
    }
  }
  public var unique: Bool {
    get { storage.properties.unique }
    set {
      makeUnique()
      storage.properties.unique = newValue
    }
  }
  public var description: String? {
    get { storage.properties.description }
    set {
      makeUnique()
      storage.properties.description = newValue
    }
  }

  /// The names the field's values were stored under before (`renamed_from:`), for `migrate`.
  public var renamedFrom: [String] {
    get { storage.properties.renamedFrom }
    set {
      makeUnique()
      storage.properties.renamedFrom = newValue
    }
  }

  public static func == (lhs: FieldSpec, rhs: FieldSpec) -> Bool {
    lhs.storage === rhs.storage || lhs.storage.properties == rhs.storage.properties
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(storage.properties) }
}
