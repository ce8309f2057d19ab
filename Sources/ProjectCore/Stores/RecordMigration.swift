/// What `migrate` does to stored records so that they fit the manifest as it is now.
///
/// For each record, on the top-level fields: a value stored under an old name
/// (`renamed_from:`) moves to the field's name; a value whose type changed is converted where
/// that loses nothing; a required field that is missing and has a default gets it; with
/// `dropUnknown`, a key the schema no longer names is dropped. A record that still fails its
/// schema after that (or holds a value under a field's old and new name) is unfixable, and the
/// whole store is left alone.
public struct RecordMigration {
  /// One kind of change, as the plan counts it.
  public enum Change: Hashable, Sendable, CustomStringConvertible {
    case rename(from: String, to: String)
    case convert(field: String, from: String, to: String)
    case fill(field: String, value: JSONValue)
    case drop(field: String)

    public var description: String {
      switch self {
      case .rename(let old, let new): "move '\(old)' to '\(new)'"
      case .convert(let field, let from, let to): "convert '\(field)' from \(from) to \(to)"
      case .fill(let field, let value): "fill '\(field)' with \(ValueText.preview(value))"
      case .drop(let field): "drop the unknown field '\(field)'"
      }
    }

    /// The change as data, for `-o json`.
    public var json: JSONObject {
      switch self {
      case .rename(let old, let new):
        JSONObject([("change", .string("rename")), ("from", .string(old)), ("field", .string(new))])
      case .convert(let field, let from, let to):
        JSONObject([
          ("change", .string("convert")), ("field", .string(field)), ("from", .string(from)), ("to", .string(to)),
        ])
      case .fill(let field, let value):
        JSONObject([("change", .string("fill")), ("field", .string(field)), ("value", value)])
      case .drop(let field): JSONObject([("change", .string("drop")), ("field", .string(field))])
      }
    }
  }

  /// A record that cannot be brought in line, and why (one issue per field path).
  public struct Unfixable: Sendable {
    public var id: String
    public var issue: ValidationIssue
  }

  /// What a store's records need: each change with the number of records it touches (renames
  /// first, then by field in schema order), the records to write back, and the unfixable ones.
  public struct Plan: Sendable {
    public init() {}
    public var records = 0
    public var changes: [(change: Change, records: Int)] = []
    public var changed: [Record] = []
    public var unfixable: [Unfixable] = []
  }

  let service: RecordService
  let dropUnknown: Bool
  let now: String
  /// Every field's old names, which are never dropped as unknown: a record that holds one
  /// beside the new name keeps both until someone decides.
  let oldNames: Set<String>

  public init(service: RecordService, dropUnknown: Bool, now: String = Timestamp.now()) {
    self.service = service
    self.dropUnknown = dropUnknown
    self.now = now
    oldNames = Set(service.definition.schema.fields.flatMap(\.spec.renamedFrom))
  }

  public func plan(_ records: [Record]) -> Plan {
    var plan = Plan()
    var positions: [Change: Int] = [:]
    for record in records {
      plan.records += 1
      let (migrated, changes, issues) = migrate(record)
      plan.unfixable += issues.map { Unfixable(id: record.id, issue: $0) }
      if let migrated, !changes.isEmpty { plan.changed.append(migrated) }
      // Every record's changes count, the unfixable ones' too: the plan shows what the edit
      // asks of the whole store.
      for change in changes {
        if let i = positions[change] {
          plan.changes[i].records += 1
        } else {
          positions[change] = plan.changes.count
          plan.changes.append((change, 1))
        }
      }
    }
    // Renames first, as they happen first, then field by field in schema order.
    let schema = service.definition.schema.fieldNames
    func key(_ change: Change) -> (Int, Int, String) {
      switch change {
      case .rename(_, let field): (0, schema.firstIndex(of: field) ?? schema.count, field)
      case .convert(let field, _, _): (1, schema.firstIndex(of: field) ?? schema.count, field)
      case .fill(let field, _): (1, schema.firstIndex(of: field) ?? schema.count, field)
      case .drop(let field): (2, schema.count, field)
      }
    }
    plan.changes = plan.changes.enumerated().sorted { a, b in
      let (x, y) = (key(a.element.change), key(b.element.change))
      return x != y ? x < y : a.offset < b.offset
    }.map(\.element)
    return plan
  }

  /// Thrown by `apply` when records of the store cannot be migrated; nothing was written.
  public struct Blocked: Error {
    public var plan: Plan
  }

  /// Plans and writes the migration of one store in one atomic step (`RecordRewriting`). When a
  /// record cannot be migrated, or a changed value would clash on a unique field, nothing is
  /// written: the first throws `Blocked` with the plan, the second the store's unique error.
  public func apply(to store: RecordRewriting) throws -> Plan {
    let unique = service.definition.uniqueFields
    return try store.rewrite { stored in
      let plan = plan(stored)
      if !plan.unfixable.isEmpty { throw Blocked(plan: plan) }
      if let clash = UniqueCheck.firstViolation(
        fields: unique, incoming: plan.changed, existing: stored,
        replacing: Set(plan.changed.map { ByteString($0.id) }),
        location: store.location)
      {
        throw clash
      }
      return (plan.changed, plan)
    }
  }

  /// The record brought in line (its `updated_at` the migration's time when anything changed),
  /// the changes made, and what stops it.
  public func migrate(_ record: Record) -> (Record?, [Change], [ValidationIssue]) {
    let schema = service.definition.schema
    var fields = record.fields
    var changes: [Change] = []
    var issues: [ValidationIssue] = []
    for (name, spec) in schema.fields {
      let held = spec.renamedFrom.filter { fields[$0] != nil }
      if let old = held.first {
        if fields[name] != nil {
          issues.append(
            ValidationIssue(
              path: FieldPath([name]),
              message: "holds a value, and so does its old name '\(old)'; neither is overwritten: remove one by hand"))
          continue
        }
        if held.count > 1 {
          issues.append(
            ValidationIssue(
              path: FieldPath([name]),
              message:
                "its old names \(held.map { "'\($0)'" }.joined(separator: " and ")) both hold values; neither is moved: remove one by hand"
            ))
          continue
        }
        fields[name] = fields[old]
        fields[old] = nil
        changes.append(.rename(from: old, to: name))
      }
      if let value = fields[name], !value.isNull, let converted = convert(value, to: spec) {
        fields[name] = converted
        changes.append(.convert(field: name, from: value.kindName, to: spec.type.name))
      }
      if fields[name] == nil, spec.required, let value = spec.defaultValue {
        fields[name] = value
        changes.append(.fill(field: name, value: value))
      }
    }
    if dropUnknown && !schema.additional {
      for key in fields.keys where schema.spec(for: key) == nil && !oldNames.contains(key) {
        fields[key] = nil
        changes.append(.drop(field: key))
      }
    }
    var changed = record
    changed.fields = fields
    let (validated, found) = service.validated(changed)
    for issue in found {
      if issue.path.components.count == 1, schema.spec(for: issue.path.components[0]) == nil,
        issue.message.hasPrefix("unknown field")
      {
        // An old name still here is beside its new one, which is reported above.
        if oldNames.contains(issue.path.components[0]) { continue }
        issues.append(ValidationIssue(path: issue.path, message: "unknown field; pass --drop-unknown to drop it"))
      } else if !issues.contains(where: { $0.path.components.first == issue.path.components.first }) {
        issues.append(issue)
      }
    }
    guard issues.isEmpty else { return (nil, changes, issues) }
    guard !changes.isEmpty else { return (record, [], []) }
    var result = validated
    result.updatedAt = now
    return (result, changes, [])
  }

  /// The value converted to the field's type where that loses nothing; nil when it fits as it
  /// is, or cannot be converted (validation then reports it).
  func convert(_ value: JSONValue, to spec: FieldSpec) -> JSONValue? {
    if service.validator.validate(value, spec: spec, path: FieldPath([])).isEmpty { return nil }
    switch (spec.type, value) {
    case (.integer, .string(let text)):
      // Only text that is the number's own JSON text: "42", not "042", "42.0" or " 42".
      guard case .integer? = Self.number(text) else { return nil }
      return Self.number(text)
    case (.number, .string(let text)):
      return Self.number(text)
    case (.string, .integer), (.string, .double):
      return .string(JSONWriter.string(value))
    case (.datetime, .string(let text)) where Timestamp.isDate(text):
      return .string(text + "T00:00:00Z")
    case (.array(let items), _):
      switch value {
      case .array, .object, .null: return nil
      default:
        if service.validator.validate(value, spec: items, path: FieldPath([])).isEmpty { return .array([value]) }
        return convert(value, to: items).map { .array([$0]) }
      }
    default:
      return nil
    }
  }

  /// The number `text` is the JSON text of, written as this tool writes it; nil for anything else.
  static func number(_ text: String) -> JSONValue? {
    guard let value = try? JSONReader.parse(text) else { return nil }
    switch value {
    case .integer, .double: return JSONWriter.string(value) == text ? value : nil
    default: return nil
    }
  }
}
