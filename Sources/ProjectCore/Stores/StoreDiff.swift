/// What differs between two stores of one service, record by record (`svc <service> diff`).
///
/// Both stores are read through `RecordStore.forEach`; what is kept in memory is an id and a
/// digest of each record of the first store, never the records. Records whose digests differ
/// are read again by id (a batch at a time) to name the fields that differ.
public struct StoreDiff {
  /// One value that is not the same in both stores: nil where the store has no value there.
  public struct Change: Equatable {
    public var path: FieldPath
    public var left: JSONValue?
    public var right: JSONValue?
  }

  /// A record held by both stores with something different.
  public struct Difference {
    public var id: String
    /// The fields (deepest object paths) whose values differ; empty with `idsOnly`.
    public var fields: [Change]
    /// `created_at` and `updated_at`, reported apart from the fields; empty with `idsOnly`.
    public var timestamps: [Change]
  }

  public var onlyLeft: [String] = []
  public var onlyRight: [String] = []
  public var different: [Difference] = []
  /// Records held by both stores, the same in both.
  public var same = 0

  public var isEmpty: Bool { onlyLeft.isEmpty && onlyRight.isEmpty && different.isEmpty }

  /// Records read again at a time to name their differences: a JSON store reads its whole file
  /// for each batch, so batches are large; memory holds at most this many records per store.
  static let batch = 10_000

  /// Compares `left` with `right`. With `idsOnly`, differing records are named but not read again.
  public static func compare(_ left: RecordStore, _ right: RecordStore, idsOnly: Bool = false) throws -> StoreDiff {
    var digests: [ByteString: Digest] = [:]
    try left.forEach(.all) { record in digests[ByteString(record.id)] = Digest(record) }
    var diff = StoreDiff()
    var differing: [ByteString] = []
    try right.forEach(.all) { record in
      let id = ByteString(record.id)
      guard let digest = digests.removeValue(forKey: id) else {
        diff.onlyRight.append(record.id)
        return
      }
      if digest == Digest(record) { diff.same += 1 } else { differing.append(id) }
    }
    diff.onlyLeft = digests.keys.sorted().map(\.text)
    diff.onlyRight.sort { ByteString($0) < ByteString($1) }
    differing.sort()
    if idsOnly {
      diff.different = differing.map { Difference(id: $0.text, fields: [], timestamps: []) }
      return diff
    }
    var start = 0
    while start < differing.count {
      let ids = differing[start..<min(start + batch, differing.count)].map(\.text)
      start += batch
      var theirs: [ByteString: Record] = [:]
      for record in try right.get(ids: ids) { theirs[ByteString(record.id)] = record }
      for mine in try left.get(ids: ids) {
        // A record deleted from either store since the first reading is left out.
        guard let other = theirs[ByteString(mine.id)] else { continue }
        var changes: [Change] = []
        Self.changes(.object(mine.fields), .object(other.fields), at: FieldPath([]), into: &changes)
        var timestamps: [Change] = []
        if mine.createdAt != other.createdAt {
          timestamps.append(
            Change(path: FieldPath(["created_at"]), left: .string(mine.createdAt), right: .string(other.createdAt)))
        }
        if mine.updatedAt != other.updatedAt {
          timestamps.append(
            Change(path: FieldPath(["updated_at"]), left: .string(mine.updatedAt), right: .string(other.updatedAt)))
        }
        if !changes.isEmpty || !timestamps.isEmpty {
          diff.different.append(Difference(id: mine.id, fields: changes, timestamps: timestamps))
        }
      }
    }
    return diff
  }

  /// The paths where two values differ: into objects held by both, else the whole value.
  static func changes(_ left: JSONValue?, _ right: JSONValue?, at path: FieldPath, into changes: inout [Change]) {
    if case .object(let a)? = left, case .object(let b)? = right {
      var keys = a.keys
      for key in b.keys where a[key] == nil { keys.append(key) }
      for key in keys { Self.changes(a[key], b[key], at: path.appending(key), into: &changes) }
      return
    }
    if Canonical.bytes(left) != Canonical.bytes(right) {
      changes.append(Change(path: path, left: left, right: right))
    }
  }

  /// 16 bytes of the SHA-256 of a record's canonical text: its fields, then its timestamps.
  struct Digest: Equatable {
    var high: UInt64
    var low: UInt64

    init(_ record: Record) {
      var text = Canonical.bytes(.object(record.fields))
      text.append(0)
      text.append(contentsOf: record.createdAt.utf8)
      text.append(0)
      text.append(contentsOf: record.updatedAt.utf8)
      let digest = SHA256Digest.of(text)
      high = digest[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
      low = digest[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }
  }

  /// A value's text with every object's keys sorted by their bytes: two values are the same
  /// when their texts are, so key order does not count, and an integer is never a double
  /// (`1` and `1.0`), nor one string another that only looks the same.
  enum Canonical {
    static func bytes(_ value: JSONValue?) -> [UInt8] {
      guard let value else { return [] }
      return JSONWriter.bytes(sorted(value))
    }

    static func sorted(_ value: JSONValue) -> JSONValue {
      switch value {
      case .object(let object):
        return .object(
          JSONObject(object.pairs.sorted { ByteString($0.key) < ByteString($1.key) }.map { ($0.key, sorted($0.value)) })
        )
      case .array(let items): return .array(items.map(sorted))
      default: return value
      }
    }
  }
}
