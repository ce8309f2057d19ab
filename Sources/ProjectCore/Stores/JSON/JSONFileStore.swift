/// A service's records in one pretty-printed JSON file: `{ "<id>": { ...record... }, ... }`.
///
/// Records keep insertion order and their keys schema order. Writes take an exclusive lock on a
/// sidecar `<file>.lock`, read the file afresh, change it, and replace it atomically; readers
/// never see a partial file. A file that no longer parses is reported and never overwritten.
public final class JSONFileStore: RecordStore, BackupCopying {
  public let service: ServiceDefinition
  let lockTimeout: Double
  /// False for a file that is not a store's own but the user's (`export --to FILE.json`): no
  /// `FILE.json.lock` is created beside it. Writers then lock that lock file when it is there
  /// already (the file is some store's), else the folder holding the file.
  let createsLockFile: Bool

  public init(service: ServiceDefinition, lockTimeout: Double = LockTimeout.current, createsLockFile: Bool = true) {
    self.service = service
    self.lockTimeout = lockTimeout
    self.createsLockFile = createsLockFile
  }

  public var path: String { service.stores.json.path }
  public var location: String { Path.display(path) }
  public var lockPath: String { path + ".lock" }

  /// Fails when the file cannot be used: a symlink on its path leads nowhere, or out of the
  /// data folder. Every read and write checks it first.
  public func checkPath() throws(StoreError) {
    try StoreError.checkConfinement(path, in: service.stores.json.confinement)
  }

  // MARK: File contents

  /// The file, checked and indexed, with the `keeping` keys of each record built; nil when it
  /// does not exist.
  func scan(keeping keys: JSONStoreFile.Keys? = nil) throws -> JSONStoreFile? {
    try checkPath()
    let bytes: [UInt8]?
    do throws(FileSystemError) { bytes = try FileSystem.read(path) } catch { throw StoreError.io(error) }
    guard let bytes else { return nil }
    return try JSONStoreFile(bytes: bytes, path: path, location: location, keeping: keys)
  }

  /// The file text for these records: pretty, two spaces, keys in schema order.
  public static func encode(_ records: [Record], schema: ObjectSchema) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(records.count * 256 + 4)
    let order = schema.fieldNames
    out.append(UInt8(ascii: "{"))
    for (i, record) in records.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      encodeEntry(record, order: order, to: &out)
    }
    out.append(contentsOf: records.isEmpty ? "}\n".utf8 : "\n}\n".utf8)
    return out
  }

  /// One `"<id>": { ... }` entry on a new line, indented one level.
  static func encodeEntry(_ record: Record, order: [String], to out: inout [UInt8]) {
    out.append(contentsOf: "\n  ".utf8)
    JSONWriter.writeString(record.id, to: &out)
    out.append(contentsOf: ": ".utf8)
    JSONWriter.writeObject(record.orderedJSON(fieldOrder: order), to: &out, style: .pretty, indent: 1)
  }

  /// Runs `body` holding the exclusive lock, after removing temp files of killed writers.
  func withLock<T>(_ body: () throws -> T) throws -> T {
    try checkPath()
    let lock: FileLock
    do throws(FileSystemError) {
      let folder = Path.directory(of: path)
      try FileSystem.createDirectories(folder)
      if createsLockFile {
        lock = try FileLock(path: lockPath, timeout: lockTimeout)
      } else if let sidecar = try FileLock(path: lockPath, timeout: lockTimeout, mode: .existing) {
        lock = sidecar
      } else {
        lock = try FileLock(folder: folder.isEmpty ? "." : folder, timeout: lockTimeout)
      }
    } catch {
      if error.isLockTimeout { throw StoreError.lockTimeout(location: location, seconds: lockTimeout) }
      throw StoreError.io(error)
    }
    defer { withExtendedLifetime(lock) {} }
    // The file's and its `.bak` copy's (`export --replace`).
    FileSystem.removeStaleTempFiles(besides: [path, path + ".bak"])
    return try body()
  }

  func write(_ bytes: [UInt8]) throws {
    try write { writer throws(FileSystemError) in try writer.write(bytes) }
  }

  /// Replaces the file atomically with what `body` writes.
  func write(_ body: (AtomicFileWriter) throws(FileSystemError) -> Void) throws {
    do throws(FileSystemError) { try FileSystem.writeAtomically(to: path, body) } catch { throw StoreError.io(error) }
  }

  /// Runs a read-modify-write of every record under the lock; the file is rewritten only when
  /// `change` changed the records. Callers have seen the file: one that cannot be opened now
  /// fails the command, rather than reading as a store with no records.
  public func modify<T>(_ change: (inout [Record]) throws -> T) throws -> T {
    try withLock {
      guard let file = try scan() else { throw StoreError.io(FileSystemError.vanished(path)) }
      var records = try file.records()
      let before = records
      let result = try change(&records)
      if records != before {
        try write(Self.encode(records, schema: service.schema))
      }
      return result
    }
  }

  // MARK: BackupCopying

  public var backupSource: String { path }

  /// Copies the file's bytes as they are (a broken file too: a backup keeps what was there)
  /// under the writers' lock, so the copy is one whole write's result.
  public func copyForBackup(to destination: String) throws -> Bool {
    try checkPath()
    guard FileSystem.exists(path) else { return false }
    return try withLock {
      do throws(FileSystemError) {
        guard let bytes = try FileSystem.read(path) else { return false }
        try FileSystem.writeAtomically(bytes, to: destination)
        return true
      } catch {
        throw StoreError.io(error)
      }
    }
  }

  // MARK: RecordStore

  /// The top-level fields a query reads: only these are built for records it may not return.
  static func fieldsRead(filtering filters: [Filter], sortingBy sort: [SortKey] = []) -> JSONStoreFile.Keys {
    JSONStoreFile.Keys(Set(filters.map(\.path.components[0]) + sort.map(\.path.components[0])))
  }

  /// Every record is built with the fields the filters read; only those that match are kept.
  /// Without a window (`--limit`, `--offset`), every match is returned, so matches are built
  /// whole and sorted as such; with one, they are sorted by their sort fields and only the
  /// window is built whole.
  public func list(_ query: RecordQuery) throws -> [Record] {
    let window = query.limit != nil || query.offset > 0
    guard
      let file = try scan(
        keeping: Self.fieldsRead(filtering: query.filters, sortingBy: window ? query.effectiveSort : []))
    else { return [] }
    let filter = RecordMatcher(RecordQuery(filters: query.filters))
    var matched: [Int] = []
    var records: [Record] = []
    for i in 0..<file.count {
      var partial: Record?
      if !query.filters.isEmpty {
        let candidate = try file.partialRecord(i)
        guard filter.matches(candidate) else { continue }
        partial = candidate
      }
      matched.append(i)
      records.append(window ? try partial ?? file.partialRecord(i) : try file.record(i))
    }
    let order = RecordMatcher(RecordQuery(sort: query.sort, limit: query.limit, offset: query.offset)).select(records)
    return try order.map { window ? try file.record(matched[$0]) : records[$0] }
  }

  /// As `list`, but only the fields the query filters and sorts on are built for every record;
  /// each record is built whole just before `body` gets it, so they are never all held at once.
  public func forEach(_ query: RecordQuery, _ body: (Record) throws -> Void) throws {
    guard let file = try scan(keeping: Self.fieldsRead(filtering: query.filters, sortingBy: query.effectiveSort))
    else { return }
    let filter = RecordMatcher(RecordQuery(filters: query.filters))
    var matched: [Int] = []
    var partials: [Record] = []
    for i in 0..<file.count {
      let partial = try file.partialRecord(i)
      guard filter.matches(partial) else { continue }
      matched.append(i)
      partials.append(partial)
    }
    let order = RecordMatcher(RecordQuery(sort: query.sort, limit: query.limit, offset: query.offset)).select(partials)
    for i in order { try body(try file.record(matched[i])) }
  }

  public func count(_ query: RecordQuery) throws -> Int {
    if query.filters.isEmpty { return try scan()?.count ?? 0 }
    guard let file = try scan(keeping: Self.fieldsRead(filtering: query.filters)) else { return 0 }
    let matcher = RecordMatcher(query)
    var count = 0
    for i in 0..<file.count where matcher.matches(try file.partialRecord(i)) { count += 1 }
    return count
  }

  public func get(ids: [String]) throws -> [Record] {
    guard let file = try scan() else { return [] }
    return try ids.compactMap { id in try file.position(of: id).map { try file.record($0) } }
  }

  public func lastModified() throws -> Int64? {
    try checkPath()
    return FileSystem.modificationTime(path)
  }

  public func insert(_ incoming: [Record], onConflict: ConflictPolicy) throws -> WriteSummary {
    try withLock {
      let unique = service.uniqueFields
      let file = try scan(keeping: unique.isEmpty ? nil : JSONStoreFile.Keys(Set(unique)))
      var summary = WriteSummary()
      var accepted: [Record] = []
      var replacing: Set<ByteString> = []
      var seen: Set<ByteString> = []
      for record in incoming {
        if !seen.insert(ByteString(record.id)).inserted {
          throw StoreError.duplicateID(id: record.id, location: location)
        }
        if file?.position(of: record.id) != nil {
          switch onConflict {
          case .fail: throw StoreError.duplicateID(id: record.id, location: location)
          case .skip:
            summary.skipped += 1
            continue
          case .overwrite:
            replacing.insert(ByteString(record.id))
            summary.updated += 1
          }
        } else {
          summary.added += 1
        }
        accepted.append(record)
      }
      if !unique.isEmpty, let file {
        let stored = try (0..<file.count).map(file.partialRecord)
        if let violation = UniqueCheck.firstViolation(
          fields: unique, incoming: accepted, existing: stored, replacing: replacing, location: location)
        {
          throw violation
        }
      } else if let violation = UniqueCheck.firstViolation(
        fields: unique, incoming: accepted, existing: [], replacing: replacing, location: location)
      {
        throw violation
      }
      if accepted.isEmpty { return summary }
      if let file, replacing.isEmpty {
        // Only new records: append them, leaving every stored byte as it was.
        try write { writer throws(FileSystemError) in
          try file.write(appending: accepted, schema: service.schema, to: writer)
        }
      } else {
        var records = try file?.records() ?? []
        for record in accepted {
          if let i = file?.position(of: record.id) { records[i] = record } else { records.append(record) }
        }
        try write(Self.encode(records, schema: service.schema))
      }
      return summary
    }
  }

  public func update(id: String, _ change: (inout Record) throws -> Void) throws -> Record {
    try checkPath()
    guard FileSystem.exists(path) else { throw StoreError.notFound(ids: [id], location: location) }
    return try modify { records in
      guard let i = records.firstIndex(where: { ByteString($0.id) == ByteString(id) }) else {
        throw StoreError.notFound(ids: [id], location: location)
      }
      var record = records[i]
      try change(&record)
      if let violation = UniqueCheck.firstViolation(
        fields: service.uniqueFields, incoming: [record], existing: records, replacing: [ByteString(id)],
        location: location)
      {
        throw violation
      }
      records[i] = record
      return record
    }
  }

  public func update(matching query: RecordQuery, _ change: ([Record]) throws -> [Record]) throws -> Int {
    try checkPath()
    guard FileSystem.exists(path) else { return 0 }
    let matcher = RecordMatcher(RecordQuery(filters: query.filters))
    return try modify { records in
      let positions = records.indices.filter { matcher.matches(records[$0]) }
      let matched = positions.map { records[$0] }
      let changed = try change(RecordMatcher(RecordQuery()).select(matched).map { matched[$0] })
      guard !changed.isEmpty else { return 0 }
      let replacing = Set(changed.map { ByteString($0.id) })
      if let violation = UniqueCheck.firstViolation(
        fields: service.uniqueFields, incoming: changed, existing: records, replacing: replacing, location: location)
      {
        throw violation
      }
      let byID = Dictionary(changed.map { (ByteString($0.id), $0) }, uniquingKeysWith: { _, last in last })
      for i in positions { if let record = byID[ByteString(records[i].id)] { records[i] = record } }
      return byID.count
    }
  }

  public func delete(ids: [String]) throws -> Int {
    try checkPath()
    guard FileSystem.exists(path) else {
      if ids.isEmpty { return 0 }
      throw StoreError.notFound(ids: ids, location: location)
    }
    return try modify { records in
      let stored = Set(records.map { ByteString($0.id) })
      let missing = ids.filter { !stored.contains(ByteString($0)) }
      if !missing.isEmpty { throw StoreError.notFound(ids: missing, location: location) }
      let doomed = Set(ids.map(ByteString.init))
      records.removeAll { doomed.contains(ByteString($0.id)) }
      return doomed.count
    }
  }

  public func delete(matching query: RecordQuery) throws -> Int {
    try checkPath()
    guard FileSystem.exists(path) else { return 0 }
    let matcher = RecordMatcher(RecordQuery(filters: query.filters))
    return try modify { records in
      guard records.contains(where: matcher.matches) else { return 0 }
      let before = records.count
      records.removeAll(where: matcher.matches)
      return before - records.count
    }
  }
}
