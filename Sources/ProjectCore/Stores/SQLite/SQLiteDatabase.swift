import CSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An error from SQLite, carrying the SQL (never the bound values), the extended code, and
/// the `errno` of the system call that failed (`sqlite3_system_errno`; 0 when none did).
public struct SQLiteError: ProjectError, Equatable {
  public var exitCode: Int32 { 1 }
  public var code: Int32
  public var message: String
  public var sql: String?
  public var systemErrno: Int32 = 0

  public init(code: Int32, message: String, sql: String?, systemErrno: Int32 = 0) {
    self.code = code
    self.message = message
    self.sql = sql
    self.systemErrno = systemErrno
  }

  public var description: String { message + (sql.map { " (in: \($0))" } ?? "") }

  public var isBusy: Bool { code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED }

  /// A sentence an operator can act on, for the failures that come from the machine rather
  /// than from the SQL; nil for the others. For a full disk, a read-only file system or a
  /// missing permission it names the cause as the system does ("No space left on device",
  /// "Read-only file system", "Permission denied"), as the JSON store does, never only
  /// SQLite's "disk I/O error" or "unable to open database file". `path` is the database file.
  public func plainMessage(busyTimeoutSeconds: Int, path: String) -> String? {
    let primary = code & 0xFF
    if primary == SQLITE_BUSY || primary == SQLITE_LOCKED {
      return "the database stayed locked by another process for more than \(busyTimeoutSeconds) s"
    }
    if let cause = cause(path: path) {
      let reason = "\(String(cString: strerror(cause))) (errno \(cause))"
      return "cannot \(operation) the database file: \(reason)" + (primary == SQLITE_FULL || cause == ENOSPC ? "; nothing was written" : "")
    }
    switch primary {
    case SQLITE_READONLY: return "the database is read-only here (\(message))"
    case SQLITE_FULL: return "the disk is full (\(message)); nothing was written"
    case SQLITE_CANTOPEN: return "cannot open the database file (\(message))"
    case SQLITE_PERM, SQLITE_AUTH: return "permission denied (\(message))"
    case SQLITE_CORRUPT, SQLITE_NOTADB: return "the database file is damaged or is not a SQLite database (\(message))"
    case SQLITE_IOERR: return "an I/O error on the database file (\(message))"
    default: return nil
    }
  }

  /// The `errno` behind a failure of the machine: the one SQLite saw, else what the file system
  /// says now about the file and its folder (read-only, no permission, no space); nil when
  /// there is none to name.
  func cause(path: String) -> Int32? {
    switch code & 0xFF {
    case SQLITE_FULL:
      return ENOSPC
    case SQLITE_IOERR, SQLITE_CANTOPEN:
      // SQLite's errno, unless it is ENOENT: opening a WAL database on a read-only mount
      // fails on the shared-memory file that is not there and cannot be made.
      if systemErrno != 0 && systemErrno != ENOENT { return systemErrno }
      return Self.probe(path) ?? (systemErrno != 0 ? systemErrno : nil)
    case SQLITE_READONLY, SQLITE_PERM:
      return Self.probe(path)
    default:
      return nil
    }
  }

  /// Why the database file, or the journal, WAL and shared-memory files beside it, cannot be
  /// written: a read-only mount, a missing permission, or no free block.
  static func probe(_ path: String) -> Int32? {
    let folder = Path.directory(of: path)
    for file in [path, path + "-wal", path + "-shm"] where access(file, F_OK) == 0 {
      if access(file, R_OK | W_OK) != 0 { return errno }
    }
    if access(folder, W_OK | X_OK) != 0 { return errno }
    var info = statvfs()
    if statvfs(folder, &info) == 0 {
      if info.f_flag & UInt(ST_RDONLY) != 0 { return EROFS }
      if info.f_bavail == 0 || info.f_favail == 0 && info.f_files > 0 { return ENOSPC }
    }
    return nil
  }

  /// What SQLite was doing, from the extended code.
  var operation: String {
    switch code & 0xFF {
    case SQLITE_CANTOPEN: return "open"
    case SQLITE_FULL: return "write"
    // Plain SQLITE_READONLY: a write to a file opened read-only. The extended codes are about
    // setting up the WAL or the journal, which reads need too.
    case SQLITE_READONLY: return code == SQLITE_READONLY ? "write" : "open"
    case SQLITE_IOERR:
      switch code >> 8 {
      case 1, 2: return "read"
      case 4, 5: return "sync"
      case 6: return "truncate"
      case 7: return "stat"
      case 8, 9, 15: return "lock"
      case 10: return "delete the journal beside"
      case 13: return "check"
      case 18, 19, 20, 21: return "map the shared-memory file beside"
      default: return "write"
      }
    default: return "write"
    }
  }

  public var isPrimaryKeyViolation: Bool { code == SQLITE_CONSTRAINT | (6 << 8) }
  public var isUniqueViolation: Bool { code == SQLITE_CONSTRAINT | (8 << 8) }
}

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
    SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql, systemErrno: sqlite3_system_errno(handle))
  }

  /// Runs SQL text with no parameters, statement after statement.
  public func execute(_ sql: String) throws {
    var message: UnsafeMutablePointer<CChar>?
    let rc = sqlite3_exec(handle, sql, nil, nil, &message)
    if rc != SQLITE_OK {
      let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
      sqlite3_free(message)
      throw SQLiteError(code: sqlite3_extended_errcode(handle), message: text, sql: sql, systemErrno: sqlite3_system_errno(handle))
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

/// A prepared statement. Bind parameters, then step through the rows.
public final class SQLiteStatement {
  let handle: OpaquePointer
  unowned let database: SQLiteDatabase
  public let sql: String

  init(_ handle: OpaquePointer, database: SQLiteDatabase, sql: String) {
    self.handle = handle
    self.database = database
    self.sql = sql
  }

  deinit { sqlite3_finalize(handle) }

  public func reset() {
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
  }

  public func bind(_ values: [SQLScalar]) throws {
    for (i, value) in values.enumerated() { try bind(value, at: Int32(i + 1)) }
  }

  public func bind(_ value: SQLScalar, at index: Int32) throws {
    let rc: Int32
    switch value {
    case .null: rc = sqlite3_bind_null(handle, index)
    case .integer(let i): rc = sqlite3_bind_int64(handle, index, i)
    case .real(let d): rc = sqlite3_bind_double(handle, index, d)
    case .text(let s):
      // With its byte count, so that text holding a NUL is bound whole, not cut at the NUL.
      var s = s
      rc = s.withUTF8 { utf8 in
        guard let base = utf8.baseAddress, utf8.count > 0 else {
          return sqlite3_bind_text(handle, index, "", 0, project_sqlite_transient())
        }
        return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { chars in
          sqlite3_bind_text(handle, index, chars, Int32(utf8.count), project_sqlite_transient())
        }
      }
    }
    if rc != SQLITE_OK { throw database.error(rc, sql: sql) }
  }

  public func bind(bytes: [UInt8], at index: Int32) throws {
    let rc = bytes.withUnsafeBufferPointer { buffer in
      sqlite3_bind_text(handle, index, UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(buffer.count), project_sqlite_transient())
    }
    if rc != SQLITE_OK { throw database.error(rc, sql: sql) }
  }

  /// Binds text without copying it (`SQLITE_STATIC`): the caller keeps the bytes alive and
  /// unchanged until the statement is reset or finalized.
  public func bind(borrowing text: UnsafeBufferPointer<UInt8>, at index: Int32) throws {
    guard let base = text.baseAddress else { return try bind(.text(""), at: index) }
    let rc = sqlite3_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(text.count), nil)
    if rc != SQLITE_OK { throw database.error(rc, sql: sql) }
  }

  /// Advances to the next row; false when there are no more.
  @discardableResult
  public func step() throws -> Bool {
    let rc = sqlite3_step(handle)
    switch rc {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    default:
      let error = database.error(rc, sql: sql)
      sqlite3_reset(handle)
      throw error
    }
  }

  public func text(_ column: Int32) -> String? {
    guard let pointer = sqlite3_column_text(handle, column) else { return nil }
    let count = Int(sqlite3_column_bytes(handle, column))
    return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
  }

  /// The column's bytes, without making a String first.
  public func withBytes<T>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
    let pointer = sqlite3_column_text(handle, column)
    let count = Int(sqlite3_column_bytes(handle, column))
    return try body(UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
  }

  public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

  public func scalar(_ column: Int32) -> SQLScalar {
    switch sqlite3_column_type(handle, column) {
    case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
    case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
    case SQLITE_NULL: return .null
    default: return .text(text(column) ?? "")
    }
  }
}
