import CSQLite

/// SQLite's two-argument `json_extract(json, path)`, answered by reading the document only up
/// to the value where the answer is certain, and by SQLite's own function everywhere else.
///
/// A load into an empty table builds each field index after its rows
/// (`SQLiteStore.withBulkLoad`), and SQLite 3.40's `json_extract` parses every row's
/// whole document into a tree to read one field: most of that build. This stands in for it on
/// the loading connection for those `CREATE INDEX` statements (an application's function of
/// the same name and argument count comes first), then steps aside. Every index entry must be
/// exactly what SQLite's function gives: `PRAGMA integrity_check` from any other connection
/// recomputes them with SQLite's own.
///
/// The rows it reads are the import's own (the table was empty), written by `JSONWriter` or by
/// `RowEncoder`, which writes the same bytes: valid JSON. For valid JSON the text after the value cannot change SQLite's answer (SQLite
/// takes the first of two members with one name, as this does), so it stops reading there.
/// It answers itself only for a path of plain keys (`$.a.b`), where every key before the value
/// is written without escapes (SQLite compares keys as written), and where the value is a
/// string with no escapes (its text), `true`/`false` (1/0), `null` or missing (NULL), or an
/// integer of at most 18 digits. Anything else (numbers with a fraction or exponent, arrays,
/// objects, escapes, text that is not valid JSON as far as it reads) goes to SQLite's function
/// on a private in-memory connection, errors included. It reads with the steps of a
/// `JSONCursor`, as strictly as `JSONReader`: what it accepts SQLite's parser accepts too, and
/// whatever a step refuses (SQLite may be laxer: lone surrogates, invalid UTF-8, numbers out of
/// range) is left to SQLite.
public final class JSONExtractFunction {
  /// `SELECT json_extract(?1, ?2)` on a connection where the name still means SQLite's own.
  let builtIn: SQLiteStatement
  let builtInConnection: SQLiteDatabase
  /// The last path text seen and its keys (an index build asks with one path throughout).
  var pathText: [UInt8] = []
  var keys: [[UInt8]]?

  /// Stands in for `json_extract` on `db` for as long as the connection lives, which keeps
  /// this object alive until it closes.
  public init(on db: SQLiteDatabase) throws {
    builtInConnection = try SQLiteDatabase(path: ":memory:", create: true, busyTimeoutMilliseconds: 0)
    builtIn = try builtInConnection.prepare("SELECT json_extract(?1, ?2)")
    let rc = sqlite3_create_function_v2(
      db.handle, "json_extract", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
      Unmanaged.passRetained(self).toOpaque(),
      { context, _, values in
        guard let context, let values, let user = sqlite3_user_data(context) else { return }
        Unmanaged<JSONExtractFunction>.fromOpaque(user).takeUnretainedValue().call(context, values[0], values[1])
      }, nil, nil,
      { user in
        if let user { Unmanaged<JSONExtractFunction>.fromOpaque(user).release() }
      })
    if rc != SQLITE_OK { throw db.error(rc, sql: nil) }
  }

  /// From now on every call is SQLite's own answer. (Deleting the function would not bring
  /// SQLite's back: on that connection the name would be unknown.)
  public func stepAside() { steppedAside = true }
  var steppedAside = false

  func call(_ context: OpaquePointer, _ json: OpaquePointer?, _ path: OpaquePointer?) {
    if !steppedAside, sqlite3_value_type(json) == SQLITE_TEXT, sqlite3_value_type(path) == SQLITE_TEXT,
      let keys = keys(of: Self.bytes(path)), let text = sqlite3_value_text(json)
    {
      let document = UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(json)))
      switch Self.extract(document, keys: keys) {
      case .text(let range):
        let start = UnsafeRawPointer(text + range.lowerBound).assumingMemoryBound(to: CChar.self)
        sqlite3_result_text(context, start, Int32(range.count), project_sqlite_transient())
        return
      case .integer(let value):
        sqlite3_result_int64(context, value)
        return
      case .null:
        sqlite3_result_null(context)
        return
      case .unsure:
        break
      }
    }
    askSQLite(context, json, path)
  }

  /// SQLite's own answer, value or error, passed on as it is.
  func askSQLite(_ context: OpaquePointer, _ json: OpaquePointer?, _ path: OpaquePointer?) {
    let statement = builtIn.handle
    defer { sqlite3_reset(statement) }
    sqlite3_bind_value(statement, 1, json)
    sqlite3_bind_value(statement, 2, path)
    if sqlite3_step(statement) == SQLITE_ROW {
      sqlite3_result_value(context, sqlite3_column_value(statement, 0))
    } else {
      sqlite3_result_error(context, sqlite3_errmsg(builtInConnection.handle), -1)
    }
  }

  static func bytes(_ value: OpaquePointer?) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: sqlite3_value_text(value), count: Int(sqlite3_value_bytes(value)))
  }

  /// The keys of `$.a.b` when every one is a plain identifier (as `SQLQueryCompiler` writes
  /// them unquoted), else nil.
  func keys(of path: UnsafeBufferPointer<UInt8>) -> [[UInt8]]? {
    if JSONCursor.equal(pathText, path) { return keys }
    pathText = Array(path)
    keys = Self.plainKeys(path)
    return keys
  }

  static func plainKeys(_ path: UnsafeBufferPointer<UInt8>) -> [[UInt8]]? {
    guard path.first == UInt8(ascii: "$"), path.count > 1 else { return nil }
    var keys: [[UInt8]] = []
    for part in path.dropFirst().split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).dropFirst() {
      guard Identifier.isSafe(String(decoding: part, as: UTF8.self)) else { return nil }
      keys.append(Array(part))
    }
    // The text must have started with "$." and held nothing but keys.
    guard path[1] == UInt8(ascii: "."), !keys.isEmpty else { return nil }
    return keys
  }

  enum Answer: Equatable {
    /// A string's text, without its quotes, as a range of the document.
    case text(Range<Int>)
    case integer(Int64)
    case null
    /// Only SQLite's own function can say.
    case unsure
  }

  /// What `json_extract` gives for the value at `keys` in `document`, or `.unsure`.
  static func extract(_ document: UnsafeBufferPointer<UInt8>, keys: [[UInt8]]) -> Answer {
    var cursor = JSONCursor(document)
    var found: Range<Int>?
    cursor.skipWhitespace()
    guard (try? walk(&cursor, keys[...], found: &found)) == true else { return .unsure }
    guard let found else {
      // The whole document was read: it must end there.
      cursor.skipWhitespace()
      return cursor.index == document.count ? .null : .unsure
    }
    let value = UnsafeBufferPointer(rebasing: document[found])
    switch value[0] {
    case UInt8(ascii: "\""):
      return value.contains(UInt8(ascii: "\\")) ? .unsure : .text((found.lowerBound + 1)..<(found.upperBound - 1))
    case UInt8(ascii: "t"): return .integer(1)
    case UInt8(ascii: "f"): return .integer(0)
    case UInt8(ascii: "n"): return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      let negative = value[0] == UInt8(ascii: "-")
      let digits = negative ? value.dropFirst() : value[...]
      guard digits.count <= 18, digits.allSatisfy(Identifier.isDigit) else { return .unsure }
      let magnitude = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
      return .integer(negative ? -magnitude : magnitude)
    default:
      return .unsure
    }
  }

  /// Finds the value at `keys` from the value here: while keys are left, it must be an object,
  /// and the first member named by the first key is walked with the rest (as SQLite takes the
  /// first of two members of one name). With no keys left, the value's range is `found`, and
  /// reading stops. Nil `found` is a missing key. False (or a throw) when unsure.
  static func walk(
    _ cursor: inout JSONCursor, _ keys: ArraySlice<[UInt8]>, found: inout Range<Int>?
  ) throws(JSONSyntaxError) -> Bool {
    guard let wanted = keys.first else {
      let start = cursor.index
      try cursor.skipValue()
      found = start..<cursor.index
      return true
    }
    guard cursor.at(UInt8(ascii: "{")) else { return false }
    // An empty object: the key is missing.
    guard try cursor.openObject() else { return true }
    repeat {
      let key = try cursor.key()
      // SQLite compares a key as written, escapes and all; such keys are left to it.
      if key.escaped { return false }
      if JSONCursor.equal(wanted, UnsafeBufferPointer(rebasing: cursor.bytes[key.content])) {
        return try walk(&cursor, keys.dropFirst(), found: &found)
      }
      try cursor.skipValue()
    } while try cursor.nextMember()
    return true
  }
}
