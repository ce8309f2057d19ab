/// One service's records as commands see them: builds records from input (ids, defaults,
/// timestamps), validates them against the schema, and hands them to either store.
public final class RecordService {
  public let definition: ServiceDefinition
  public let validator: SchemaValidator

  public init(definition: ServiceDefinition) {
    self.definition = definition
    self.validator = SchemaValidator(schema: definition.schema)
  }

  public func store(_ backend: Backend) -> RecordStore {
    StoreFactory.store(backend, for: definition)
  }

  /// Failed validation of one or more records, each issue with its record and field path.
  ///
  /// A new record's issues read `example.count: ...`; a stored one's `record 'ID': count: ...`.
  public struct InvalidRecords: ProjectError {
    public var exitCode: Int32 { 1 }
    public var issues: [(record: String, issue: ValidationIssue)]
    public var description: String {
      issues.map { "\($0.record)\($0.record.hasPrefix("record ") ? ": " : ".")\($0.issue)" }.joined(separator: "\n")
    }
  }

  /// A new record from the given fields: defaults filled, schema checked, id and timestamps set.
  public func newRecord(fields: JSONObject, now: String = Timestamp.now()) throws -> Record {
    let (validated, issues) = validator.validate(fields, applyDefaults: true)
    if !issues.isEmpty { throw InvalidRecords(issues: issues.map { (definition.name, $0) }) }
    return Record(id: try newID(for: validated), fields: validated, createdAt: now, updatedAt: now)
  }

  func newID(for fields: JSONObject) throws -> String {
    switch definition.idStrategy {
    case .uuid7: return RecordID.uuid7()
    case .uuid4: return RecordID.uuid4()
    case .field(let name):
      switch fields[name] {
      case .string(let s)? where !s.isEmpty: return s
      case .integer(let i)?: return String(i)
      default:
        throw InvalidRecords(issues: [
          (
            definition.name,
            ValidationIssue(path: FieldPath([name]), message: "is the record's id and must not be empty")
          )
        ])
      }
    }
  }

  /// Checks a whole stored or imported record; returns it with keys in schema order.
  /// `checkTimestamps` is off for records whose timestamps `Record(json:)` already checked.
  public func validated(_ record: Record, applyDefaults: Bool = false, checkTimestamps: Bool = true) -> (
    Record, [ValidationIssue]
  ) {
    var (fields, issues) = validator.validate(record.fields, applyDefaults: applyDefaults)
    if case .field(let name) = definition.idStrategy, let value = fields[name] {
      var expected: String?
      switch value {
      case .string(let s): expected = s
      case .integer(let i): expected = String(i)
      default: expected = nil
      }
      if expected != record.id {
        issues.append(
          ValidationIssue(
            path: FieldPath([name]), message: "is the record's id, so it must equal the id '\(record.id)'"))
      }
    }
    if UTF8Text.containsNUL(record.id) {
      issues.append(
        ValidationIssue(path: FieldPath(["id"]), message: "contains a NUL character (U+0000), which is not allowed"))
    }
    for (name, stamp) in [("created_at", record.createdAt), ("updated_at", record.updatedAt)]
    where checkTimestamps && Timestamp.parseRecordTimestamp(stamp) == nil {
      issues.append(
        ValidationIssue(path: FieldPath([name]), message: "expected an RFC 3339 date-time, found \"\(stamp)\""))
    }
    var result = record
    result.fields = fields
    return (result, issues)
  }

  /// Changes to apply to one record in `update`.
  public struct Changes {
    public var assignments: [(FieldPath, JSONValue)] = []
    public var unset: [FieldPath] = []
    public init() {}
    public var isEmpty: Bool { assignments.isEmpty && unset.isEmpty }
  }

  /// Applies the changes inside the store's atomic read-modify-write and validates the result.
  public func update(id: String, changes: Changes, in store: RecordStore, now: String = Timestamp.now()) throws
    -> Record
  {
    try store.update(id: id) { record in
      let (changed, issues) = applying(changes, to: record)
      if !issues.isEmpty { throw InvalidRecords(issues: issues.map { ("record '\(id)'", $0) }) }
      record.fields = changed.fields
      record.updatedAt = now
    }
  }

  /// The records that the changes change, each with `updatedAt` set to `now`; records the
  /// changes leave as they were are left out, so their `updated_at` stays. Every record is
  /// checked first: when any result is invalid, it throws every issue of every record.
  public func changed(_ records: [Record], by changes: Changes, now: String = Timestamp.now()) throws -> [Record] {
    var result: [Record] = []
    var problems: [(record: String, issue: ValidationIssue)] = []
    for record in records {
      let (changed, issues) = applying(changes, to: record)
      problems += issues.map { ("record '\(record.id)'", $0) }
      if issues.isEmpty && changed.fields != record.fields {
        var written = changed
        written.updatedAt = now
        result.append(written)
      }
    }
    if !problems.isEmpty { throw InvalidRecords(issues: problems) }
    return result
  }

  /// The record with the changes applied and validated (keys in schema order), or the issues
  /// that stop them: an unset required field, a change of a natural id, a path that cannot be
  /// set, or what the schema says of the result.
  func applying(_ changes: Changes, to record: Record) -> (Record, [ValidationIssue]) {
    var fields = record.fields
    for path in changes.unset {
      if path.components.count == 1, let spec = definition.schema.spec(for: path.components[0]), spec.required {
        return (record, [ValidationIssue(path: path, message: "is required and cannot be unset")])
      }
      _ = fields.set(nil, at: path)
    }
    for (path, value) in changes.assignments {
      if case .field(let name) = definition.idStrategy, path == FieldPath([name]) {
        return (
          record,
          [ValidationIssue(path: path, message: "is the record's id and cannot be changed; add a new record instead")]
        )
      }
      guard fields.set(value, at: path) else {
        return (record, [ValidationIssue(path: path, message: "cannot be set: a part of the path is not an object")])
      }
    }
    let (validated, issues) = validator.validate(fields, applyDefaults: false)
    var result = record
    result.fields = validated
    return (result, issues)
  }
}
