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

  /// The file, checked and indexed, read through a window; with `keeping`, the kept keys of each
  /// record go to `visit` during the check. Nil when the file does not exist.
  func scan(keeping keys: JSONStoreFile.Keys? = nil, visit: JSONStoreFile.Visitor? = nil) throws -> JSONStoreFile? {
    try checkPath()
    let file: ReadOnlyFile?
    do throws(FileSystemError) { file = try ReadOnlyFile(path: path) } catch { throw StoreError.io(error) }
    guard let file else { return nil }
    return try JSONStoreFile(
      source: StoreFileBytes(file: file), path: path, location: location, keeping: keys, visit: visit)
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

  /// Replaces the file atomically with `bytes`; with `replacing` false (the command found no
  /// file), fails rather than replace a file that is there now.
  func write(_ bytes: [UInt8], replacing: Bool = true) throws {
    do throws(FileSystemError) {
      try FileSystem.writeAtomically(to: path, replacing: replacing) { writer throws(FileSystemError) in
        try writer.write(bytes)
      }
    } catch {
      throw StoreError.io(error)
    }
  }

  /// Replaces the file with the stored records each as `change` says, then `appending`: the
  /// records it keeps are copied byte for byte.
  func write(_ file: JSONStoreFile, changing change: (Int) -> JSONStoreFile.Change, appending added: [Record] = [])
    throws
  {
    try write { writer in try file.write(changing: change, appending: added, schema: service.schema, to: writer) }
  }

  /// Replaces the file atomically with what `body` writes, much of it copied from the file.
  func write(_ body: (AtomicFileWriter) throws -> Void) throws {
    let writer: AtomicFileWriter
    do throws(FileSystemError) { writer = try AtomicFileWriter(path: path) } catch { throw StoreError.io(error) }
    try body(writer)
    do throws(FileSystemError) { try writer.commit() } catch { throw StoreError.io(error) }
  }

  /// The file under the lock, which a writer has seen: one that cannot be opened now fails
  /// the command, rather than reading as a store with no records.
  func scanForWriting(keeping keys: JSONStoreFile.Keys? = nil, visit: JSONStoreFile.Visitor? = nil) throws
    -> JSONStoreFile
  {
    guard let file = try scan(keeping: keys, visit: visit) else { throw StoreError.io(FileSystemError.vanished(path)) }
    return file
  }

  /// The stored records sharing a unique value with `incoming`, in file order, built with their
  /// unique fields only: all `UniqueCheck.firstViolation` needs of the stored ones.
  func uniqueClashes(with incoming: [Record], in file: JSONStoreFile?) throws -> [Record] {
    let fields = service.uniqueFields
    guard !fields.isEmpty, let file, !incoming.isEmpty else { return [] }
    let probe = UniqueCheck.Probe(fields: fields, incoming: incoming)
    var clashes: [Record] = []
    try file.forEachPartial(keeping: JSONStoreFile.Keys(Set(fields))) { record in
      if probe.clashes(record) { clashes.append(record) }
    }
    return clashes
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

  /// The records of the query in its order, as `forEach` hands them out.
  public func list(_ query: RecordQuery) throws -> [Record] {
    var records: [Record] = []
    try forEach(query) { records.append($0) }
    return records
  }

  /// One checking pass builds the fields the query filters and sorts on for each record and
  /// keeps the position (and sort key) of those that match; each is then read back and built
  /// whole just before `body` gets it, so records are never all held at once.
  public func forEach(_ query: RecordQuery, _ body: (Record) throws -> Void) throws {
    guard let (file, order) = try select(query) else { return }
    try file.forEachEntry(order.lazy.map(Int.init)) { _, id, value in try body(try file.makeRecord(value, id: id)) }
  }

  /// The file and the entries the query returns, in its order.
  ///
  /// Without `--sort`, matches come out in file order when the file holds them in the default
  /// order (`created_at`, then `id`), as files this tool writes do; the pass checks that on the
  /// fly. Otherwise each match keeps its sort key (the `--sort` fields, and the default order's
  /// only when the file is out of it), and the matches are sorted.
  ///
  /// With `--sort` and `--limit`, only the best `offset + limit` matches are kept as the pass goes
  /// (ties in file order); should the file turn out not to be in the default order, the pass is
  /// made again keeping every match.
  func select(_ query: RecordQuery, pruning: Bool = true) throws -> (JSONStoreFile, [Int32])? {
    let matcher = RecordMatcher(RecordQuery(filters: query.filters))
    let tieBreak = Array(query.effectiveSort.dropFirst(query.sort.count))
    let read = Self.fieldsRead(filtering: query.filters, sortingBy: query.sort)
    // `created_at` is read for the order only: a record that does not match is not checked by it.
    let orderOnly = !read.names.contains("created_at") && tieBreak.contains { $0.path == FieldPath(["created_at"]) }
    let keys = orderOnly ? JSONStoreFile.Keys(read.names.union(["created_at"])) : read
    var matched: [Int32] = []
    var sortKeys: [SQLScalar] = []
    var previous: [SQLScalar] = []
    var inDefaultOrder = true
    let location = location
    let needed = query.limit.map { query.offset + $0 }
    var pruned = false
    func prune() {
      let width = query.sort.count
      guard pruning, let needed, width > 0, matched.count >= max(2 * needed, 1 << 14) else { return }
      let best = Self.ordered(sortKeys, count: matched.count, by: query.sort).prefix(needed).sorted()
      matched = best.map { matched[$0] }
      sortKeys = best.flatMap { sortKeys[($0 * width)..<(($0 + 1) * width)] }
      pruned = true
    }
    guard
      let file = try scan(
        keeping: keys,
        visit: { i, id, partial, value in
          var partial = partial
          var created: JSONValue?
          if orderOnly, case .object(let object)? = partial {
            created = object["created_at"]
            partial = .object(
              JSONObject(distinctPairs: object.pairs.filter { !JSONObject.sameKey($0.key, "created_at") }))
          }
          let record = try JSONStoreFile.visitedRecord(id: id, partial: partial, value: value, location: location)
          guard matcher.matches(record) else { return }
          matched.append(Int32(i))
          for key in query.sort { sortKeys.append(SQLScalar(record.value(at: key.path))) }
          prune()
          if inDefaultOrder {
            // As the record's own `created_at` reads: missing or null is the empty text.
            let current = tieBreak.map { key -> SQLScalar in
              guard orderOnly, key.path == FieldPath(["created_at"]) else {
                return SQLScalar(record.value(at: key.path))
              }
              if case .null? = created { return .text("") }
              return SQLScalar(created ?? .string(""))
            }
            if !previous.isEmpty && Self.compare(previous, current, by: tieBreak) > 0 { inDefaultOrder = false }
            previous = current
          }
        })
    else { return nil }
    if pruned && !inDefaultOrder { return try select(query, pruning: false) }
    var sort = query.sort
    if !inDefaultOrder {
      // Out of order: the default order's fields become part of each match's key.
      sort = query.effectiveSort
      sortKeys.removeAll()
      try file.forEachPartial(keeping: Self.fieldsRead(filtering: [], sortingBy: sort), only: matched.map(Int.init)) {
        record in
        for key in sort { sortKeys.append(SQLScalar(record.value(at: key.path))) }
      }
    }
    guard !sort.isEmpty else {
      // File order: the matches as they are, without a second list of them.
      let window = matched.dropFirst(query.offset)
      return (file, Array(query.limit.map { window.prefix($0) } ?? window))
    }
    var window = Self.ordered(sortKeys, count: matched.count, by: sort).dropFirst(query.offset)
    if let limit = query.limit { window = window.prefix(limit) }
    return (file, window.map { matched[$0] })
  }

  /// Positions `0..<count` in the order of their keys (`keys` holds `sort.count` a position),
  /// ties in position order.
  private static func ordered(_ keys: [SQLScalar], count: Int, by sort: [SortKey]) -> [Int] {
    var order = Array(0..<count)
    guard !sort.isEmpty else { return order }
    let width = sort.count
    order.sort { a, b in
      for (k, key) in sort.enumerated() {
        let c = SQLScalar.compare(keys[a * width + k], keys[b * width + k])
        if c != 0 { return key.descending ? c > 0 : c < 0 }
      }
      return a < b
    }
    return order
  }

  /// How two sort keys compare under `keys`' directions.
  private static func compare(_ a: [SQLScalar], _ b: [SQLScalar], by keys: [SortKey]) -> Int {
    for (i, key) in keys.enumerated() {
      let c = SQLScalar.compare(a[i], b[i])
      if c != 0 { return key.descending ? -c : c }
    }
    return 0
  }

  public func count(_ query: RecordQuery) throws -> Int {
    if query.filters.isEmpty { return try scan()?.count ?? 0 }
    let matcher = RecordMatcher(query)
    var count = 0
    let location = location
    _ = try scan(keeping: Self.fieldsRead(filtering: query.filters)) { _, id, partial, value in
      let record = try JSONStoreFile.visitedRecord(id: id, partial: partial, value: value, location: location)
      if matcher.matches(record) { count += 1 }
    }
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
      let file = try scan()
      var summary = WriteSummary()
      var accepted: [Record] = []
      var replacing: Set<ByteString> = []
      var replaced: [Int: Record] = [:]
      var seen: Set<ByteString> = []
      for record in incoming {
        if !seen.insert(ByteString(record.id)).inserted {
          throw StoreError.duplicateID(id: record.id, location: location)
        }
        if let i = try file?.position(of: record.id) {
          switch onConflict {
          case .fail: throw StoreError.duplicateID(id: record.id, location: location)
          case .skip:
            summary.skipped += 1
            continue
          case .overwrite:
            replacing.insert(ByteString(record.id))
            replaced[i] = record
            summary.updated += 1
          }
        } else {
          summary.added += 1
        }
        accepted.append(record)
      }
      if let violation = UniqueCheck.firstViolation(
        fields: unique, incoming: accepted, existing: try uniqueClashes(with: accepted, in: file),
        replacing: replacing, location: location)
      {
        throw violation
      }
      if accepted.isEmpty { return summary }
      guard let file else {
        try write(Self.encode(accepted, schema: service.schema), replacing: false)
        return summary
      }
      if replaced.isEmpty {
        // Only new records: append them, leaving every stored byte as it was.
        try write { writer in try file.write(appending: accepted, schema: service.schema, to: writer) }
      } else {
        let added = accepted.filter { !replacing.contains(ByteString($0.id)) }
        try write(file, changing: { replaced[$0].map { .replace($0) } ?? .keep }, appending: added)
      }
      return summary
    }
  }

  public func update(id: String, _ change: (inout Record) throws -> Void) throws -> Record {
    try checkPath()
    guard FileSystem.exists(path) else { throw StoreError.notFound(ids: [id], location: location) }
    return try withLock {
      let file = try scanForWriting()
      guard let i = try file.position(of: id) else { throw StoreError.notFound(ids: [id], location: location) }
      let stored = try file.record(i)
      var record = stored
      try change(&record)
      if let violation = UniqueCheck.firstViolation(
        fields: service.uniqueFields, incoming: [record], existing: try uniqueClashes(with: [record], in: file),
        replacing: [ByteString(id)], location: location)
      {
        throw violation
      }
      if record != stored { try write(file, changing: { $0 == i ? .replace(record) : .keep }) }
      return record
    }
  }

  public func update(matching query: RecordQuery, _ change: ([Record]) throws -> [Record]) throws -> Int {
    try checkPath()
    guard FileSystem.exists(path) else { return 0 }
    return try withLock {
      let (file, positions) = try matches(query)
      var matched: [Record] = []
      try file.forEachEntry(positions) { _, id, value in matched.append(try file.makeRecord(value, id: id)) }
      let changed = try change(RecordMatcher(RecordQuery()).select(matched).map { matched[$0] })
      guard !changed.isEmpty else { return 0 }
      let replacing = Set(changed.map { ByteString($0.id) })
      if let violation = UniqueCheck.firstViolation(
        fields: service.uniqueFields, incoming: changed, existing: try uniqueClashes(with: changed, in: file),
        replacing: replacing, location: location)
      {
        throw violation
      }
      let byID = Dictionary(changed.map { (ByteString($0.id), $0) }, uniquingKeysWith: { _, last in last })
      var replaced: [Int: Record] = [:]
      for (i, record) in zip(positions, matched) {
        if let new = byID[ByteString(record.id)], new != record { replaced[i] = new }
      }
      if !replaced.isEmpty { try write(file, changing: { replaced[$0].map { .replace($0) } ?? .keep }) }
      return byID.count
    }
  }

  /// The file under the lock and the entries whose records the query's filters match, in file
  /// order.
  private func matches(_ query: RecordQuery) throws -> (JSONStoreFile, [Int]) {
    let matcher = RecordMatcher(RecordQuery(filters: query.filters))
    var positions: [Int] = []
    let location = location
    let file = try scanForWriting(keeping: Self.fieldsRead(filtering: query.filters)) { i, id, partial, value in
      let record = try JSONStoreFile.visitedRecord(id: id, partial: partial, value: value, location: location)
      if matcher.matches(record) { positions.append(i) }
    }
    return (file, positions)
  }

  public func delete(ids: [String]) throws -> Int {
    try checkPath()
    guard FileSystem.exists(path) else {
      if ids.isEmpty { return 0 }
      throw StoreError.notFound(ids: ids, location: location)
    }
    return try withLock {
      let file = try scanForWriting()
      var doomed: Set<Int> = []
      var missing: [String] = []
      for id in ids {
        if let i = try file.position(of: id) { doomed.insert(i) } else { missing.append(id) }
      }
      if !missing.isEmpty { throw StoreError.notFound(ids: missing, location: location) }
      if !doomed.isEmpty { try write(file, changing: { doomed.contains($0) ? .drop : .keep }) }
      return doomed.count
    }
  }

  public func delete(matching query: RecordQuery) throws -> Int {
    try checkPath()
    guard FileSystem.exists(path) else { return 0 }
    return try withLock {
      let (file, positions) = try matches(query)
      guard !positions.isEmpty else { return 0 }
      let doomed = Set(positions)
      try write(file, changing: { doomed.contains($0) ? .drop : .keep })
      return doomed.count
    }
  }
}
