/// Checks shared by both stores: unique fields across a batch and the stored records.
enum UniqueCheck {
  /// A unique value as SQLite's index compares it (and PostgreSQL's, `uniqueKey`): text by its
  /// bytes, numbers by their exact value, so that `1`, `1.0` and `1e0` are one value while
  /// `9007199254740993` and `9007199254740992.0` stay two.
  enum Key: Hashable {
    case text(ByteString)
    case other(SQLScalar)
    init(_ scalar: SQLScalar) {
      switch scalar {
      case .text(let text): self = .text(ByteString(text))
      case .real(let d) where d.rounded() == d && d >= -0x1p63 && d < 0x1p63: self = .other(.integer(Int64(d)))
      default: self = .other(scalar)
      }
    }
  }

  /// The unique values of a batch, to pick out the stored records that share one of them: the
  /// only stored records `firstViolation` reads, so the others need not be held.
  struct Probe {
    let fields: [String]
    private var values: [String: Set<Key>] = [:]

    init(fields: [String], incoming: [Record]) {
      self.fields = fields
      for field in fields {
        values[field] = Set(incoming.map { SQLScalar($0.fields[field]) }.filter { !$0.isNull }.map(Key.init))
      }
    }

    func clashes(_ record: Record) -> Bool {
      fields.contains { field in
        let scalar = SQLScalar(record.fields[field])
        return !scalar.isNull && values[field]?.contains(Key(scalar)) == true
      }
    }
  }

  /// The first clash between `incoming` and `existing` (or within `incoming`) on a unique field.
  static func firstViolation(
    fields: [String], incoming: [Record], existing: some Sequence<Record>, replacing: Set<ByteString>, location: String
  ) -> StoreError? {
    guard !fields.isEmpty else { return nil }
    for field in fields {
      var owners: [Key: (id: String, incoming: Bool)] = [:]
      for record in existing where !replacing.contains(ByteString(record.id)) {
        let key = SQLScalar(record.fields[field])
        if !key.isNull { owners[Key(key)] = (record.id, false) }
      }
      for record in incoming {
        let scalar = SQLScalar(record.fields[field])
        if scalar.isNull { continue }
        let key = Key(scalar)
        if let owner = owners[key], ByteString(owner.id) != ByteString(record.id) {
          let value = ValueText.preview(record.fields[field] ?? .null)
          if owner.incoming {
            return .uniqueViolationInInput(field: field, value: value, firstID: owner.id, id: record.id)
          }
          return .uniqueViolation(field: field, value: value, existingID: owner.id, location: location)
        }
        owners[key] = (record.id, true)
      }
    }
    return nil
  }

  /// Throws the first clash among `records` themselves on a unique field.
  static func requireDistinct(_ records: [Record], fields: [String], location: String) throws(StoreError) {
    if let clash = firstViolation(fields: fields, incoming: records, existing: [], replacing: [], location: location) {
      throw clash
    }
  }
}
