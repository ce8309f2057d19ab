/// A service's records in one pretty-printed JSON file: `{ "<id>": { ...record... }, ... }`.
///
/// Records keep insertion order and their keys schema order. Writes take an exclusive lock on a
/// sidecar `<file>.lock`, read the file afresh, change it, and replace it atomically; readers
/// never see a partial file. A file that no longer parses is reported and never overwritten.
public final class JSONFileStore: RecordStore {
  public let service: ServiceDefinition
  let lockTimeout: Double

  public init(service: ServiceDefinition, lockTimeout: Double = 30) {
    self.service = service
    self.lockTimeout = lockTimeout
  }

  public var path: String { service.jsonPath }
  public var location: String { Path.display(path) }
  public var lockPath: String { path + ".lock" }

  // MARK: File contents

  /// The records in file order; empty when the file does not exist.
  public func load() throws -> [Record] {
    try StoreError.checkConfinement(path, in: service.jsonConfinement)
    let bytes: [UInt8]?
    do { bytes = try FileSystem.read(path) } catch { throw StoreError.io(error) }
    guard let bytes else { return [] }
    return try Self.decode(bytes, path: path, location: location)
  }

  /// Reads `{ "<id>": record }` text into records, in file order.
  public static func decode(_ bytes: [UInt8], path: String, location: String) throws -> [Record] {
    let value: JSONValue
    do {
      value = try JSONReader.parse(bytes)
    } catch {
      throw StoreError.corruptFile(path: path, line: error.line, column: error.column, message: error.message)
    }
    guard case .object(let map) = value else {
      throw StoreError.corruptFile(path: path, line: 1, column: 1, message: "expected an object of records keyed by id, found \(value.kindName)")
    }
    var records: [Record] = []
    records.reserveCapacity(map.count)
    for (key, entry) in map {
      do {
        records.append(try Record(json: entry, key: key, defaultTimestamp: ""))
      } catch {
        throw StoreError.invalidStoredRecord(location: location, id: key, message: error.description)
      }
    }
    return records
  }

  /// The file text for these records: pretty, two spaces, keys in schema order.
  public static func encode(_ records: [Record], schema: ObjectSchema) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(records.count * 256 + 4)
    let order = schema.fieldNames
    out.append(UInt8(ascii: "{"))
    for (i, record) in records.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      out.append(contentsOf: "\n  ".utf8)
      JSONWriter.writeString(record.id, to: &out)
      out.append(contentsOf: ": ".utf8)
      JSONWriter.writeObject(orderedPairs(record, order: order), to: &out, style: .pretty, indent: 1)
    }
    out.append(contentsOf: records.isEmpty ? "}\n".utf8 : "\n}\n".utf8)
    return out
  }

  /// `id`, the schema's fields in order, other keys as they came, then the timestamps.
  static func orderedPairs(_ record: Record, order: [String]) -> [(key: String, value: JSONValue)] {
    var pairs: [(key: String, value: JSONValue)] = [("id", .string(record.id))]
    pairs.reserveCapacity(record.fields.count + 3)
    for name in order {
      if let value = record.fields[name] { pairs.append((name, value)) }
    }
    if record.fields.count > pairs.count - 1 {
      for (key, value) in record.fields where !order.contains(key) { pairs.append((key, value)) }
    }
    pairs.append(("created_at", .string(record.createdAt)))
    pairs.append(("updated_at", .string(record.updatedAt)))
    return pairs
  }

  /// Runs a read-modify-write under the lock; `change` returns the new records and a result,
  /// or nil records to leave the file untouched.
  public func modify<T>(_ change: (inout [Record]) throws -> T) throws -> T {
    try StoreError.checkConfinement(path, in: service.jsonConfinement)
    let lock: FileLock
    do throws(FileSystemError) {
      try FileSystem.createDirectories(Path.directory(of: path))
      lock = try FileLock(path: lockPath, timeout: lockTimeout)
    } catch {
      throw StoreError.io(error)
    }
    defer { withExtendedLifetime(lock) {} }
    FileSystem.removeStaleTempFiles(besides: path)
    var records = try load()
    let before = records
    let result = try change(&records)
    if records != before {
      do throws(FileSystemError) {
        try FileSystem.writeAtomically(Self.encode(records, schema: service.schema), to: path)
      } catch {
        throw StoreError.io(error)
      }
    }
    return result
  }

  /// Replaces the whole file with these records, keeping the old one as `<file>.bak` first when
  /// `backup` is set. Fails, writing nothing, when the current file is broken.
  public func replaceAll(with records: [Record], backup: Bool) throws {
    try modify { current in
      if backup && FileSystem.exists(path) {
        do throws(FileSystemError) { try FileSystem.copy(path, to: path + ".bak") } catch { throw StoreError.io(error) }
      }
      current = records
    }
  }

  // MARK: RecordStore

  public func list(_ query: RecordQuery) throws -> [Record] {
    RecordMatcher(query).apply(to: try load())
  }

  public func count(_ query: RecordQuery) throws -> Int {
    let matcher = RecordMatcher(query)
    return try load().reduce(0) { $0 + (matcher.matches($1) ? 1 : 0) }
  }

  public func get(ids: [String]) throws -> [Record] {
    let records = try load()
    var byID: [String: Record] = [:]
    for record in records { byID[record.id] = record }
    return ids.compactMap { byID[$0] }
  }

  public func lastModified() throws -> Int64? { FileSystem.modificationTime(path) }

  public func insert(_ incoming: [Record], onConflict: ConflictPolicy) throws -> WriteSummary {
    try modify { records in
      var index: [String: Int] = [:]
      for (i, record) in records.enumerated() { index[record.id] = i }
      var summary = WriteSummary()
      var accepted: [Record] = []
      var replacing: Set<String> = []
      var seen: Set<String> = []
      for record in incoming {
        if !seen.insert(record.id).inserted {
          throw StoreError.duplicateID(id: record.id, location: location)
        }
        if index[record.id] != nil {
          switch onConflict {
          case .fail: throw StoreError.duplicateID(id: record.id, location: location)
          case .skip:
            summary.skipped += 1
            continue
          case .overwrite:
            replacing.insert(record.id)
            summary.updated += 1
          }
        } else {
          summary.added += 1
        }
        accepted.append(record)
      }
      if let violation = UniqueCheck.firstViolation(fields: service.uniqueFields, incoming: accepted, existing: records, replacing: replacing, location: location) {
        throw violation
      }
      for record in accepted {
        if let i = index[record.id] {
          records[i] = record
        } else {
          index[record.id] = records.count
          records.append(record)
        }
      }
      return summary
    }
  }

  public func update(id: String, _ change: (inout Record) throws -> Void) throws -> Record {
    guard FileSystem.exists(path) else { throw StoreError.notFound(ids: [id], location: location) }
    return try modify { records in
      guard let i = records.firstIndex(where: { $0.id == id }) else {
        throw StoreError.notFound(ids: [id], location: location)
      }
      var record = records[i]
      try change(&record)
      if let violation = UniqueCheck.firstViolation(fields: service.uniqueFields, incoming: [record], existing: records, replacing: [id], location: location) {
        throw violation
      }
      records[i] = record
      return record
    }
  }

  public func delete(ids: [String]) throws -> Int {
    guard FileSystem.exists(path) else {
      if ids.isEmpty { return 0 }
      throw StoreError.notFound(ids: ids, location: location)
    }
    return try modify { records in
      let stored = Set(records.map(\.id))
      let missing = ids.filter { !stored.contains($0) }
      if !missing.isEmpty { throw StoreError.notFound(ids: missing, location: location) }
      let doomed = Set(ids)
      records.removeAll { doomed.contains($0.id) }
      return doomed.count
    }
  }

  public func delete(matching query: RecordQuery) throws -> Int {
    guard FileSystem.exists(path) else { return 0 }
    let matcher = RecordMatcher(RecordQuery(filters: query.filters))
    return try modify { records in
      let before = records.count
      records.removeAll(where: matcher.matches)
      return before - records.count
    }
  }
}
