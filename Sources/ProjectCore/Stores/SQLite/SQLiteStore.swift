/// A service's records in one table of a SQLite database:
/// `(id TEXT PRIMARY KEY, data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`.
///
/// WAL journal mode, `synchronous = FULL` (a commit that returned survives a power cut), a busy
/// timeout so that writers wait for each other, every write in one `BEGIN IMMEDIATE`
/// transaction. Reads never create the file or the table.
public final class SQLiteStore: RecordStore, BulkLoading, RawRowStreaming, QueryExplaining, BackupCopying {
  public let service: ServiceDefinition
  let busyTimeoutMilliseconds: Int32
  var connection: SQLiteDatabase?
  var schemaReady = false

  public init(
    service: ServiceDefinition,
    busyTimeoutMilliseconds: Int32 = Int32(min(LockTimeout.current * 1000, Double(Int32.max)))
  ) {
    self.service = service
    self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
  }

  public var location: String { "\(Path.display(service.stores.sqlite.path)) (table \(service.stores.sqlite.table))" }
  var table: String { "\"\(service.stores.sqlite.table)\"" }

  // MARK: Connection

  func wrap<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as SQLiteError {
      if error.isBusy {
        throw StoreError.lockTimeout(location: location, seconds: Double(busyTimeoutMilliseconds) / 1000)
      }
      if let plain = error.plainMessage(
        busyTimeoutSeconds: Int(busyTimeoutMilliseconds / 1000), path: service.stores.sqlite.path)
      {
        throw StoreError.database(message: plain, sql: nil, location: location)
      }
      throw StoreError.database(message: error.message, sql: error.sql, location: location)
    }
  }

  /// The connection for writing, creating the file, table and indexes as needed.
  func writer() throws -> SQLiteDatabase { try openWriter(bulk: false).db }

  /// The connection for writing. With `bulk`, a database file that holds nothing yet stays in
  /// SQLite's rollback-journal mode (`isNew`): a load into it writes each page once, where WAL
  /// mode writes it to the log and then again to the file. The caller switches it to WAL when
  /// done.
  func openWriter(bulk: Bool) throws -> (db: SQLiteDatabase, isNew: Bool) {
    if let connection, schemaReady { return (connection, false) }
    try StoreError.checkConfinement(service.stores.sqlite.path, in: service.stores.sqlite.confinement)
    do throws(FileSystemError) {
      try FileSystem.createDirectories(Path.directory(of: service.stores.sqlite.path))
    } catch {
      throw StoreError.io(error)
    }
    return try wrap {
      let db =
        try connection
        ?? SQLiteDatabase(
          path: service.stores.sqlite.path, create: true, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
      connection = db
      let isNew = try bulk && db.scalarText("PRAGMA page_count") == "0"
      try configure(db, wal: !isNew)
      try db.writeTransaction { try createSchema(in: db) }
      schemaReady = true
      return (db, isNew)
    }
  }

  /// The connection for reading, or nil when the database or the table does not exist yet.
  func reader() throws -> SQLiteDatabase? {
    if let connection { return connection }
    try StoreError.checkConfinement(service.stores.sqlite.path, in: service.stores.sqlite.confinement)
    guard FileSystem.exists(service.stores.sqlite.path) else { return nil }
    return try wrap {
      let db = try SQLiteDatabase(
        path: service.stores.sqlite.path, create: false, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
      // Reads never write, not even the journal mode: the first write sets WAL.
      try configure(db, wal: false)
      let exists = try db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
      try exists.bind([.text(service.stores.sqlite.table)])
      guard try exists.step() else { return nil }
      connection = db
      return db
    }
  }

  /// The page size of database files this makes: bulk inserts split pages and walk the
  /// b-trees less with larger pages than SQLite's 4 KiB default (figures in Performance.md,
  /// "Settings chosen by measurement"). Files that exist keep theirs.
  static let pageSize = 16384

  /// 16 MiB of page cache (SQLite's unit: negative is KiB).
  static let cacheSize = -16384

  func configure(_ db: SQLiteDatabase, wal: Bool) throws {
    // Takes effect only on a file that holds nothing yet, so before WAL mode writes the header.
    try db.execute("PRAGMA page_size = \(Self.pageSize)")
    if try wal && db.scalarText("PRAGMA journal_mode")?.lowercased() != "wal" {
      try db.retryingWhileBusy(timeoutMilliseconds: busyTimeoutMilliseconds) {
        try db.execute("PRAGMA journal_mode = WAL")
      }
    }
    // FULL: a WAL commit is fdatasync'ed before it returns. A new file loaded in rollback-journal
    // mode (`isNew`) commits by deleting its journal; EXTRA also syncs the folder after that
    // delete, else a power cut could bring the journal back and roll the load back.
    try db.execute(
      "PRAGMA synchronous = \(wal ? "FULL" : "EXTRA"); PRAGMA cache_size = \(Self.cacheSize); PRAGMA temp_store = MEMORY"
    )
  }

  /// The table and its indexes, where they are missing (older indexes replaced).
  func createSchema(in db: SQLiteDatabase) throws {
    try db.execute(
      "CREATE TABLE IF NOT EXISTS \(table) (id TEXT PRIMARY KEY, data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)"
    )
    for statement in indexStatements() { try db.execute(statement) }
  }

  /// An index this store keeps on its table.
  struct Index {
    var name: String
    /// What follows the name in `CREATE INDEX`.
    var create: String
    var unique = false
    /// A load into an empty table builds it after the rows (see `withBulkLoad`).
    var deferrable = false
    /// Its key is a field whose values `JSONExtractFunction` reads itself (text, integers,
    /// booleans); for any other field it would only ask SQLite, at a cost.
    var plainKey = false
  }

  /// The indexes for the default order, the manifest's `indexes:` and its `unique: true` fields.
  var indexes: [Index] {
    // The default order of list: created_at, then id. Index names hold a '$', which no field
    // name can, so that they never meet the names an earlier version used.
    var indexes = [Index(name: "\(service.stores.sqlite.table)$order", create: "ON \(table) (created_at, id)")]
    // Each declared field, then the default order: an equality filter on the field reads its
    // matches already sorted, so `--where status=x --limit 10` stops after ten rows.
    for path in service.indexes {
      let plainKey =
        switch service.schema.spec(at: path)?.type {
        case .string, .integer, .boolean, .date, .datetime, .enumeration: true
        default: false
        }
      indexes.append(
        Index(
          name: "\(service.stores.sqlite.table)$\(path)",
          create: "ON \(table) (\(SQLQueryCompiler.expression(path)), created_at, id)", deferrable: true,
          plainKey: plainKey))
    }
    for field in service.uniqueFields {
      indexes.append(
        Index(
          name: "\(service.stores.sqlite.table)_\(field)_unique",
          create: "ON \(table) (\(SQLQueryCompiler.expression(FieldPath([field]))))", unique: true))
    }
    return indexes
  }

  /// `CREATE INDEX` statements for `indexes`, where they are missing.
  public func indexStatements() -> [String] {
    // Databases made by earlier versions carry `<table>_created_idx` and a one-column
    // `<table>_<field>_idx` per declared field: they are replaced.
    let old = ["created"] + service.indexes.map { $0.components.joined(separator: "_") }
    return old.map { "DROP INDEX IF EXISTS \"\(service.stores.sqlite.table)_\($0)_idx\"" }
      + indexes.map { Self.createStatement($0, ifNotExists: true) }
  }

  static func createStatement(_ index: Index, ifNotExists: Bool) -> String {
    "CREATE \(index.unique ? "UNIQUE " : "")INDEX \(ifNotExists ? "IF NOT EXISTS " : "")\"\(index.name)\" \(index.create)"
  }

  // MARK: Reading

  static let columns = "id, data, created_at, updated_at"

  func record(from statement: SQLiteStatement) throws -> Record {
    try statement.withBytes(1) { data in
      try Record.stored(
        id: statement.text(0) ?? "", data: data, createdAt: statement.text(2) ?? "",
        updatedAt: statement.text(3) ?? "", location: location)
    }
  }

  /// The SQL `list` runs, with its bound values, for `--explain`.
  public func selectSQL(_ query: RecordQuery) -> (sql: String, bindings: [SQLScalar]) {
    let compiled = SQLQueryCompiler.compile(query)
    let sql = [
      "SELECT \(Self.columns) FROM \(table)", compiled.whereClause, compiled.orderClause, compiled.limitClause,
    ]
    .filter { !$0.isEmpty }.joined(separator: " ")
    return (sql, compiled.bindings)
  }

  /// SQLite's query plan for the query, one line per step. It writes nothing: without a
  /// database or table yet, the plan comes from an empty one in memory with the same table and
  /// indexes (plans depend on those alone, as no `ANALYZE` statistics are kept).
  public func explain(_ query: RecordQuery) throws -> [String] {
    let (sql, bindings) = selectSQL(query)
    return try wrap {
      let db: SQLiteDatabase
      if let existing = try reader() {
        db = existing
      } else {
        db = try SQLiteDatabase(path: ":memory:", create: true, busyTimeoutMilliseconds: 0)
        try createSchema(in: db)
      }
      let statement = try db.prepare("EXPLAIN QUERY PLAN " + sql)
      try statement.bind(bindings)
      var lines: [String] = []
      while try statement.step() { lines.append(statement.text(3) ?? "") }
      return lines
    }
  }

  public func list(_ query: RecordQuery) throws -> [Record] {
    var records: [Record] = []
    try forEach(query) { records.append($0) }
    return records
  }

  /// Calls `body` for each matching record as SQLite returns it, without holding them all.
  public func forEach(_ query: RecordQuery, _ body: (Record) throws -> Void) throws {
    guard let db = try reader() else { return }
    let (sql, bindings) = selectSQL(query)
    let statement = try wrap { try db.prepare(sql) }
    try wrap { try statement.bind(bindings) }
    while try wrap({ try statement.step() }) { try body(try record(from: statement)) }
  }

  /// Calls `body` with each row the query matches, the `data` column as SQLite holds it
  /// (checked to be a JSON object), without building records.
  public func forEachRow(_ query: RecordQuery, _ body: RawRowBody) throws {
    guard let db = try reader() else { return }
    let (sql, bindings) = selectSQL(query)
    let statement = try wrap { try db.prepare(sql) }
    try wrap { try statement.bind(bindings) }
    while try wrap({ try statement.step() }) {
      let id = statement.text(0) ?? ""
      try statement.withBytes(1) { data in
        try checkObject(data, id: id)
        try body(id, data, statement.text(2) ?? "", statement.text(3) ?? "")
      }
    }
  }

  public func count(_ query: RecordQuery) throws -> Int {
    guard let db = try reader() else { return 0 }
    let compiled = SQLQueryCompiler.compile(RecordQuery(filters: query.filters))
    return try wrap {
      let statement = try db.prepare("SELECT count(*) FROM \(table) \(compiled.whereClause)")
      try statement.bind(compiled.bindings)
      try statement.step()
      return Int(statement.int64(0))
    }
  }

  public func get(ids: [String]) throws -> [Record] {
    guard let db = try reader() else { return [] }
    let statement = try wrap { try db.prepare("SELECT \(Self.columns) FROM \(table) WHERE id = ?") }
    var records: [Record] = []
    for id in ids {
      statement.reset()
      try wrap { try statement.bind([.text(id)]) }
      if try wrap({ try statement.step() }) { records.append(try record(from: statement)) }
    }
    return records
  }

  /// The newest `updated_at` in the table: tables share one database file, so the file's
  /// time says nothing about one of them. Deletions do not show here.
  public func lastModified() throws -> Int64? {
    guard let db = try reader() else { return nil }
    return try wrap {
      try db.scalarText("SELECT max(updated_at) FROM \(table)").flatMap(Timestamp.parseRecordTimestamp)
    }
  }

  // MARK: BackupCopying

  /// The database file, with every table in it.
  public var backupSource: String { service.stores.sqlite.path }

  /// `VACUUM INTO` the destination: one read transaction, so the copy is one committed state of
  /// the whole database; in WAL mode writers go on meanwhile.
  public func copyForBackup(to destination: String) throws -> Bool {
    try StoreError.checkConfinement(service.stores.sqlite.path, in: service.stores.sqlite.confinement)
    guard FileSystem.exists(service.stores.sqlite.path) else { return false }
    try wrap {
      let db = try SQLiteDatabase(
        path: service.stores.sqlite.path, create: false, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
      let vacuum = try db.prepare("VACUUM INTO ?")
      try vacuum.bind([.text(destination)])
      try vacuum.step()
    }
    do throws(FileSystemError) {
      try FileSystem.syncFile(destination)
      try FileSystem.syncDirectory(Path.directory(of: destination))
    } catch {
      throw StoreError.io(error)
    }
    return true
  }

  // MARK: Writing

  public func insert(_ records: [Record], onConflict: ConflictPolicy) throws -> WriteSummary {
    let db = try writer()
    return try wrap {
      try db.writeTransaction {
        try RowInserter(store: self, db: db, onConflict: onConflict).insert(PreparedRows(records))
      }
    }
  }

  /// A batch inserter for callers that stream records in one transaction (`import`).
  ///
  /// Two ways to load faster, both inside the one transaction, so that readers see the table
  /// as it was, or with every record and index:
  /// - Into an empty table, the indexes on `indexes:` fields are built once, after the rows,
  ///   by SQLite's sorter on every core, instead of row by row: each row's `json_extract`
  ///   lands in a different place. The default order's index stays, as records mostly come
  ///   in that order and it only grows at its end; unique indexes stay, as they reject a
  ///   clashing row as it comes.
  /// - Into a database file that holds nothing yet, it is written in rollback-journal mode,
  ///   then switched to WAL: every page is written once, where WAL writes it to the log and
  ///   again to the file. Other processes that open the file meanwhile wait for the import.
  public func withBulkLoad<T>(
    onConflict: ConflictPolicy, _ body: (_ load: (PreparedRows) throws -> WriteSummary) throws -> T
  ) throws -> T {
    let (db, isNew) = try openWriter(bulk: true)
    defer {
      // Committed or not, the file is left in WAL mode, once the readers that waited for the
      // import are done. Should that take too long, the next write does this.
      if isNew {
        _ = try? db.retryingWhileBusy(timeoutMilliseconds: busyTimeoutMilliseconds) {
          try db.execute("PRAGMA journal_mode = WAL")
        }
      }
    }
    return try wrap {
      try db.writeTransaction {
        let deferred = try db.scalarText("SELECT 1 FROM \(table) LIMIT 1") == nil ? indexes.filter(\.deferrable) : []
        for index in deferred { try db.execute("DROP INDEX \"\(index.name)\"") }
        let inserter = RowInserter(store: self, db: db, onConflict: onConflict)
        let result = try body { rows in try inserter.insert(rows) }
        if !deferred.isEmpty { try build(deferred, in: db) }
        return result
      }
    }
  }

  /// Builds indexes over the rows a load put in an empty table (see `withBulkLoad`).
  func build(_ indexes: [Index], in db: SQLiteDatabase) throws {
    // SQLite's sorter sorts runs the size of the page cache (1 MiB here, and so are its merge
    // buffers) on helper threads and spills them to temp files, so memory stays flat (figures
    // in Performance.md, "Settings chosen by measurement"). With temp_store = MEMORY it would
    // hold every entry; should that setting not change, the build still runs.
    try db.execute("PRAGMA threads = \(FileSystem.processorCount); PRAGMA cache_size = -1024")
    try? db.execute("PRAGMA temp_store = FILE")
    defer {
      try? db.execute("PRAGMA threads = 0; PRAGMA cache_size = \(Self.cacheSize)")
      try? db.execute("PRAGMA temp_store = MEMORY")
    }
    // Indexes on other fields first, with SQLite's own `json_extract`; then the stand-in.
    for index in indexes where !index.plainKey { try db.execute(Self.createStatement(index, ifNotExists: false)) }
    guard indexes.contains(where: \.plainKey) else { return }
    let extract = try JSONExtractFunction(on: db)
    defer { extract.stepAside() }
    for index in indexes where index.plainKey { try db.execute(Self.createStatement(index, ifNotExists: false)) }
  }

  /// Rows per `INSERT` when a clash fails the import: SQLite spends about as much starting
  /// and ending a statement as inserting one row.
  static let rowsPerStatement = 64

  /// Inserts rows inside one transaction, with its statements prepared once for all batches.
  final class RowInserter {
    let store: SQLiteStore
    let db: SQLiteDatabase
    let onConflict: ConflictPolicy
    private var many: SQLiteStatement?
    private var exists: SQLiteStatement?
    private var one: SQLiteStatement?
    /// The highest rowid before these inserts: rows above it came in with them.
    private var rowidBefore: Int64?

    init(store: SQLiteStore, db: SQLiteDatabase, onConflict: ConflictPolicy) {
      self.store = store
      self.db = db
      self.onConflict = onConflict
    }

    func prepared(_ slot: inout SQLiteStatement?, _ sql: () -> String) throws -> SQLiteStatement {
      if let statement = slot { return statement }
      let statement = try db.prepare(sql())
      slot = statement
      return statement
    }

    func insert(_ rows: PreparedRows) throws -> WriteSummary {
      let table = store.table
      if rowidBefore == nil { rowidBefore = try Int64(db.scalarText("SELECT max(rowid) FROM \(table)") ?? "0") ?? 0 }
      var summary = WriteSummary()
      // Whole groups of rows first. `OR FAIL` keeps the rows of a group before a clash (so
      // SQLite needs no statement journal to undo them, unless an index runs a function); the
      // row that clashed and those after it go through the row-at-a-time loop below, which
      // names the record. Skip and overwrite count each row's fate, so they go one at a time.
      var first = 0
      let group = SQLiteStore.rowsPerStatement
      if onConflict == .fail && rows.count >= group {
        let many = try prepared(&many) {
          "INSERT OR FAIL INTO \(table) (id, data, created_at, updated_at) VALUES "
            + Array(repeating: "(?, ?, ?, ?)", count: group).joined(separator: ", ")
        }
        try rows.text.withUnsafeBufferPointer { text in
          while first + group <= rows.count {
            many.reset()
            for row in first..<(first + group) {
              try rows.bind(row, from: text, to: many, at: Int32((row - first) * 4 + 1))
            }
            do {
              try many.step()
            } catch let error as SQLiteError where error.isPrimaryKeyViolation || error.isUniqueViolation {
              first += db.changes
              summary.added += db.changes
              break
            }
            first += group
            summary.added += group
          }
        }
        many.reset()
      }
      guard first < rows.count else { return summary }
      let exists = onConflict == .fail ? nil : try prepared(&exists) { "SELECT 1 FROM \(table) WHERE id = ?" }
      let insert = try prepared(&one) {
        let conflict =
          switch onConflict {
          case .fail: ""
          case .skip: " ON CONFLICT(id) DO NOTHING"
          case .overwrite:
            " ON CONFLICT(id) DO UPDATE SET data = excluded.data, created_at = excluded.created_at, updated_at = excluded.updated_at"
          }
        return "INSERT INTO \(table) (id, data, created_at, updated_at) VALUES (?, ?, ?, ?)" + conflict
      }
      // Bound without copies: the statements are reset (their bindings cleared) before the
      // buffer goes.
      defer {
        exists?.reset()
        insert.reset()
      }
      try rows.text.withUnsafeBufferPointer { text in
        for row in first..<rows.count {
          let id = UnsafeBufferPointer(rebasing: text[rows.range(row, 0)])
          var existed = false
          if let exists {
            exists.reset()
            try exists.bind(borrowing: id, at: 1)
            existed = try exists.step()
          }
          insert.reset()
          try rows.bind(row, from: text, to: insert, at: 1)
          do {
            try insert.step()
          } catch let error as SQLiteError where error.isPrimaryKeyViolation {
            throw StoreError.duplicateID(id: rows.string(row, 0), location: store.location)
          } catch let error as SQLiteError where error.isUniqueViolation {
            // SQLite may check a unique field's index before the id's: a stored id is the clash
            // to report, whatever else the row shares.
            if onConflict == .fail {
              let stored = try prepared(&self.exists) { "SELECT 1 FROM \(table) WHERE id = ?" }
              stored.reset()
              try stored.bind(borrowing: id, at: 1)
              if try stored.step() { throw StoreError.duplicateID(id: rows.string(row, 0), location: store.location) }
            }
            throw try store.uniqueError(rows.record(row), db: db, rowidBefore: rowidBefore)
          }
          if existed {
            if onConflict == .skip { summary.skipped += 1 } else { summary.updated += 1 }
          } else {
            summary.added += 1
          }
        }
      }
      return summary
    }
  }

  /// Names the field and the record that a unique-index failure clashed with: a stored one, or
  /// one written by the same insert (its rowid above `rowidBefore`).
  func uniqueError(_ record: Record, db: SQLiteDatabase, rowidBefore: Int64? = nil) throws -> StoreError {
    for field in service.uniqueFields {
      guard let value = record.fields[field], !value.isNull else { continue }
      let statement = try db.prepare(
        "SELECT id, rowid FROM \(table) WHERE \(SQLQueryCompiler.expression(FieldPath([field]))) = ? AND id != ?")
      try statement.bind([SQLScalar(value), .text(record.id)])
      if try statement.step() {
        if let rowidBefore, statement.int64(1) > rowidBefore, let first = statement.text(0) {
          return .uniqueViolationInInput(field: field, value: ValueText.preview(value), firstID: first, id: record.id)
        }
        return .uniqueViolation(
          field: field, value: ValueText.preview(value), existingID: statement.text(0), location: location)
      }
    }
    return .uniqueViolation(
      field: service.uniqueFields.joined(separator: ", "), value: "given", existingID: nil, location: location)
  }

  public func update(id: String, _ change: (inout Record) throws -> Void) throws -> Record {
    let db = try writer()
    return try wrap {
      try db.writeTransaction {
        let select = try db.prepare("SELECT \(Self.columns) FROM \(table) WHERE id = ?")
        try select.bind([.text(id)])
        guard try select.step() else { throw StoreError.notFound(ids: [id], location: location) }
        var record = try self.record(from: select)
        try change(&record)
        record.id = id
        _ = try writeBack([record], in: db, requireStored: false)
        return record
      }
    }
  }

  public func update(matching query: RecordQuery, _ change: ([Record]) throws -> [Record]) throws -> Int {
    guard try reader() != nil else { return 0 }
    let db = try writer()
    let (sql, bindings) = selectSQL(RecordQuery(filters: query.filters))
    return try wrap {
      try db.writeTransaction {
        let select = try db.prepare(sql)
        try select.bind(bindings)
        var matched: [Record] = []
        while try select.step() { matched.append(try record(from: select)) }
        select.reset()
        let changed = try change(matched)
        // Two of the changed records holding one unique value are named as the JSON store
        // names them, before a unique index meets the second one.
        try UniqueCheck.requireDistinct(changed, fields: service.uniqueFields, location: location)
        return try writeBack(changed, in: db, requireStored: false)
      }
    }
  }

  public func delete(ids: [String]) throws -> Int {
    guard try reader() != nil else {
      if ids.isEmpty { return 0 }
      throw StoreError.notFound(ids: ids, location: location)
    }
    let db = try writer()
    return try wrap {
      try db.writeTransaction {
        let statement = try db.prepare("DELETE FROM \(table) WHERE id = ?")
        var missing: Set<ByteString> = []
        var deleted = 0
        for id in Set(ids.map(ByteString.init)).sorted() {
          statement.reset()
          try statement.bind([.text(id.text)])
          try statement.step()
          if db.changes == 0 { missing.insert(id) } else { deleted += 1 }
        }
        if !missing.isEmpty {
          throw StoreError.notFound(ids: ids.filter { missing.contains(ByteString($0)) }, location: location)
        }
        return deleted
      }
    }
  }

  public func delete(matching query: RecordQuery) throws -> Int {
    guard try reader() != nil else { return 0 }
    let db = try writer()
    let compiled = SQLQueryCompiler.compile(RecordQuery(filters: query.filters))
    return try wrap {
      try db.writeTransaction {
        let statement = try db.prepare("DELETE FROM \(table) \(compiled.whereClause)")
        try statement.bind(compiled.bindings)
        try statement.step()
        return db.changes
      }
    }
  }
}
