/// A stored record: its id, the schema's fields, and when it was created and last updated.
public struct Record: Hashable, Sendable {
  public var id: String
  public var fields: JSONObject
  /// RFC 3339 UTC with milliseconds, kept as the text it was written with.
  public var createdAt: String
  public var updatedAt: String

  public init(id: String, fields: JSONObject, createdAt: String, updatedAt: String) {
    self.id = id
    self.fields = fields
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }

  /// The logical record with its keys in the order files and output use: `id`, the fields in
  /// `fieldOrder`, any other fields as they came, then `created_at` and `updated_at`.
  public func orderedJSON(fieldOrder: [String]) -> JSONObject {
    var pairs: [JSONObject.Pair] = [("id", .string(id))]
    pairs.reserveCapacity(fields.count + 3)
    for name in fieldOrder {
      if let value = fields[name] { pairs.append((name, value)) }
    }
    if fields.count > pairs.count - 1 {
      for (key, value) in fields where !fieldOrder.contains(key) { pairs.append((key, value)) }
    }
    pairs.append(("created_at", .string(createdAt)))
    pairs.append(("updated_at", .string(updatedAt)))
    return JSONObject(distinctPairs: pairs)
  }

  /// The value at a path, where `id`, `created_at` and `updated_at` are the record's own.
  public func value(at path: FieldPath) -> JSONValue? {
    if path.components.count == 1 {
      switch path.components[0] {
      case "id": return .string(id)
      case "created_at": return .string(createdAt)
      case "updated_at": return .string(updatedAt)
      default: break
      }
    }
    return JSONValue.object(fields)[path: path]
  }

  /// What a record object read from a file or an import lacks or gets wrong.
  public enum ShapeError: ProjectError, Equatable {
    public var exitCode: Int32 { 1 }
    case notAnObject(found: String)
    case badID(found: String)
    case idMismatch(key: String, id: String)
    case badTimestamp(field: String, found: String)

    public var description: String {
      switch self {
      case .notAnObject(let found): "expected a record object, found \(found)"
      case .badID(let found): "id: expected a non-empty string or an integer, found \(found)"
      case .idMismatch(let key, let id): "id: the record's id \"\(id)\" differs from its key \"\(key)\""
      case .badTimestamp(let field, let found): "\(field): expected an RFC 3339 date-time, found \(found)"
      }
    }
  }

  /// Builds a record from a logical record object.
  ///
  /// - Parameters:
  ///   - key: the id the object is filed under (a JSON store's map key), if any.
  ///   - defaultTimestamp: used for a missing `created_at` or `updated_at`.
  public init(json value: JSONValue, key: String?, defaultTimestamp: String) throws(ShapeError) {
    guard case .object(let object) = value else { throw .notAnObject(found: value.kindName) }
    // One pass: take out the record's own keys, keep the rest in order.
    var idValue: JSONValue?
    var created: JSONValue?
    var updated: JSONValue?
    var fields: [JSONObject.Pair] = []
    fields.reserveCapacity(object.count)
    for pair in object {
      if JSONObject.sameKey(pair.key, "id") {
        idValue = pair.value
      } else if JSONObject.sameKey(pair.key, "created_at") {
        created = pair.value
      } else if JSONObject.sameKey(pair.key, "updated_at") {
        updated = pair.value
      } else {
        fields.append(pair)
      }
    }
    var id: String
    switch idValue {
    case .string(let s)? where !s.isEmpty: id = s
    case .integer(let i)?: id = String(i)
    case nil, .null?:
      guard let key, !key.isEmpty else { throw .badID(found: "nothing") }
      id = key
    case let other?: throw .badID(found: ValueText.preview(other))
    }
    if let key, ByteString(key) != ByteString(id) { throw .idMismatch(key: key, id: id) }
    id = key ?? id
    func stamp(_ value: JSONValue?, _ name: String, fallback: String) throws(ShapeError) -> String {
      switch value {
      case .string(let s)? where Timestamp.parseRecordTimestamp(s) != nil: return s
      case nil, .null?: return fallback
      case let other?: throw .badTimestamp(field: name, found: ValueText.preview(other))
      }
    }
    let createdAt = try stamp(created, "created_at", fallback: defaultTimestamp)
    let updatedAt = try stamp(updated, "updated_at", fallback: createdAt)
    self.init(id: id, fields: JSONObject(distinctPairs: fields), createdAt: createdAt, updatedAt: updatedAt)
  }

}
