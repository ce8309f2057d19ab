import CSQLite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

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
      sqlite3_bind_text(
        handle, index, UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(buffer.count),
        project_sqlite_transient())
    }
    if rc != SQLITE_OK { throw database.error(rc, sql: sql) }
  }

  /// Binds text without copying it (`SQLITE_STATIC`): the caller keeps the bytes alive and
  /// unchanged until the statement is reset or finalized.
  public func bind(borrowing text: UnsafeBufferPointer<UInt8>, at index: Int32) throws {
    guard let base = text.baseAddress else { return try bind(.text(""), at: index) }
    let rc = sqlite3_bind_text(
      handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(text.count), nil)
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
}
