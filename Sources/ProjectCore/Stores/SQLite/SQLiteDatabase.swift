import CSQLite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A connection to one SQLite database file.
public final class SQLiteDatabase {
  let handle: OpaquePointer
  public let path: String

  public static var libraryVersion: String { String(cString: sqlite3_libversion()) }

  /// Process-wide settings, made once before the first connection opens: allocation statistics
  /// off, and sorter runs down to 64 pages (1 MiB at 16 KiB pages; SQLite's default is 250), so
  /// that an index built after a load sorts in flat memory (`SQLiteStore.build`).
  private static let configured: Void = {
    _ = project_sqlite_disable_memstatus()
    _ = project_sqlite_set_sorter_run_pages(64)
  }()

  /// Opens the database; `create` makes the file when it is missing.
  public init(path: String, create: Bool, busyTimeoutMilliseconds: Int32) throws {
    Self.configured
    var db: OpaquePointer?
    let flags = (create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX
    let rc = sqlite3_open_v2(path, &db, flags, nil)
    guard rc == SQLITE_OK, let db else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open the database"
      let systemErrno = db.map { sqlite3_system_errno($0) } ?? 0
      if let db { sqlite3_close_v2(db) }
      throw SQLiteError(code: rc, message: message, sql: nil, systemErrno: systemErrno)
    }
    handle = db
    self.path = path
    sqlite3_extended_result_codes(db, 1)
    sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
  }

  deinit { sqlite3_close_v2(handle) }

  func error(_ code: Int32, sql: String?) -> SQLiteError {
    SQLiteError(
      code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql,
      systemErrno: sqlite3_system_errno(handle))
  }

  /// Runs SQL text with no parameters, statement after statement.
  public func execute(_ sql: String) throws {
    var message: UnsafeMutablePointer<CChar>?
    let rc = sqlite3_exec(handle, sql, nil, nil, &message)
    if rc != SQLITE_OK {
      let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
      sqlite3_free(message)
      throw SQLiteError(
        code: sqlite3_extended_errcode(handle), message: text, sql: sql, systemErrno: sqlite3_system_errno(handle))
    }
  }

  public func prepare(_ sql: String) throws -> SQLiteStatement {
    var statement: OpaquePointer?
    let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
    guard rc == SQLITE_OK, let statement else { throw error(rc, sql: sql) }
    return SQLiteStatement(statement, database: self, sql: sql)
  }

  /// Runs `body` in a transaction that takes the write lock at once (`BEGIN IMMEDIATE`), so
  /// that a concurrent writer waits for the busy timeout instead of failing mid-transaction.
  public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN IMMEDIATE")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  /// Runs `body` again while SQLite answers "busy" at once, for up to `timeoutMilliseconds`.
  /// SQLite skips its busy handler where a statement must take a lock it cannot wait for:
  /// `PRAGMA journal_mode = WAL` needs the whole file, and fails at once while another
  /// connection writes it in rollback-journal mode (the first import into a new file).
  public func retryingWhileBusy<T>(timeoutMilliseconds: Int32, _ body: () throws -> T) throws -> T {
    var backoff = Backoff(seconds: Double(timeoutMilliseconds) / 1000)
    while true {
      do {
        return try body()
      } catch let error as SQLiteError where error.isBusy {
        guard backoff.wait() else { throw error }
      }
    }
  }

  public var changes: Int { Int(sqlite3_changes(handle)) }

  /// The first column of the first row, as text.
  public func scalarText(_ sql: String) throws -> String? {
    let statement = try prepare(sql)
    guard try statement.step() else { return nil }
    return statement.text(0)
  }
}
