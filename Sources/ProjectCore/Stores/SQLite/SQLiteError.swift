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
      return "cannot \(operation) the database file: \(reason)"
        + (primary == SQLITE_FULL || cause == ENOSPC ? "; nothing was written" : "")
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
