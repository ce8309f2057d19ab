/// A service's records in one table on a PostgreSQL server:
/// `(id text COLLATE "C" PRIMARY KEY, data json NOT NULL, created_at text COLLATE "C" NOT NULL,
/// updated_at text COLLATE "C" NOT NULL)`.
///
/// `data` is `json`, not `jsonb`: the server keeps the text as written, so key order, `1.0`,
/// `-0.0` and big integers come back as they went in, as on SQLite; the text columns sort
/// byte by byte as SQLite's do. Every write is one transaction; reads never create the table.
/// It connects on first use, so commands on other backends never reach for the server.
public final class PostgresStore: RecordStore, BulkLoading, RawRowStreaming, QueryExplaining {
  public let service: ServiceDefinition
  let server: StoreSettings.Server?
  var connection: PostgresConnection?
  var schemaReady = false

  public init(service: ServiceDefinition) {
    self.service = service
    self.server = service.stores.postgres
  }

  var schemaName: String { server?.schema ?? "public" }
  var tableName: String { server?.table ?? "\(service.name)_items" }
  public var location: String { "PostgreSQL table \(schemaName).\(tableName)" }
  var table: String { "\"\(schemaName)\".\"\(tableName)\"" }
  static let columns = "id, data, created_at, updated_at"

  // MARK: Connection

  /// The connection string: `$PROJECT_POSTGRES_URL` when set, else the manifest's url.
  var url: String? {
    FileSystem.environment("PROJECT_POSTGRES_URL").flatMap { $0.isEmpty ? nil : $0 } ?? server?.url
  }

  /// The connection, made on first use from the manifest's url (or `$PROJECT_POSTGRES_URL`)
  /// and libpq's environment variables.
  func session() throws -> PostgresConnection {
    if let connection { return connection }
    guard server != nil else {
      throw StoreError.database(
        message: "the manifest names no PostgreSQL server; add a 'postgres:' section with its url", sql: nil,
        location: location)
    }
    let settings = try PostgresConnectionSettings(url: url, environment: FileSystem.environment())
    let made = try PostgresConnector.connect(settings)
    // Records are UTF-8 text; a database in another encoding would change or refuse them.
    if let encoding = made.parameters["server_encoding"], encoding != "UTF8" {
      throw PostgresError(
        endpoint: made.configuration.endpoint,
        message:
          "the database's encoding is \(encoding), and records need UTF8; create the database with ENCODING 'UTF8'")
    }
    // Names in the SQL are quoted for standard-conforming strings, which the server reports at
    // startup (on by default since 9.1); only an older setting costs a round trip.
    if made.parameters["standard_conforming_strings"] != "on" {
      _ = try made.simpleQuery("SET standard_conforming_strings = on")
    }
    connection = made
    return made
  }

  /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
  func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
    let db = try session()
    _ = try db.simpleQuery("BEGIN")
    let result: T
    do {
      result = try body(db)
    } catch {
      rollBack(db)
      throw error
    }
    try commit(db)
    return result
  }

  /// COMMIT; when the connection fails on the way, nobody can know whether the server applied
  /// the change, and the message says so.
  func commit(_ db: PostgresConnection) throws {
    do {
      _ = try db.simpleQuery("COMMIT")
    } catch {
      if error.sqlState != nil && !db.isBroken { throw error }
      connection = nil
      throw PostgresError(
        endpoint: error.endpoint,
        message: "\(error.message) while committing; the server may or may not have applied the change")
    }
  }

  func rollBack(_ db: PostgresConnection) {
    // A broken session is out of step with the server, which rolls its transaction back.
    guard !db.isBroken else {
      connection = nil
      return
    }
    do {
      _ = try db.simpleQuery("ROLLBACK")
    } catch {
      // The connection is gone; the server rolls the transaction back itself.
      connection = nil
    }
  }

  /// Runs a read; a table that does not exist yet reads as empty (`nil`).
  func read<T>(_ body: (PostgresConnection) throws -> T) throws -> T? {
    let db = try session()
    do {
      return try body(db)
    } catch let error as PostgresError where error.sqlState == "42P01" && !schemaReady {
      return nil
    }
  }

  // MARK: Table and indexes

  /// An index this store keeps on its table.
  struct Index {
    var name: String
    var create: String
  }

  /// A PostgreSQL name for `text`, cut to the server's 63 bytes with a digest of the whole
  /// when longer (the server would cut it without one, and two names could meet).
  static func identifier(_ text: String) -> String {
    guard text.utf8.count > 63 else { return text }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    let digest = String(hash, radix: 16)
    return String(decoding: Array(text.utf8.prefix(62 - digest.count)), as: UTF8.self) + "$" + digest
  }

  /// The default order's index, one per `indexes:` field (then the default order, so that an
  /// equality filter reads its matches already sorted), and one unique index per unique field.
  var indexes: [Index] {
    var indexes = [Index(name: Self.identifier("\(tableName)$order"), create: "(created_at, id)")]
    for path in service.indexes {
      let numeric =
        switch service.schema.spec(at: path)?.type {
        case .integer, .number, .boolean: true
        default: false
        }
      indexes.append(
        Index(
          name: Self.identifier("\(tableName)$\(path)"),
          create: "(\(PostgresQueryCompiler.indexKey(path, numeric: numeric)), created_at, id)"))
    }
    for field in service.uniqueFields {
      indexes.append(
        Index(
          name: Self.identifier("\(tableName)$\(field)$unique"),
          create: "(\(PostgresQueryCompiler.Value(FieldPath([field])).uniqueKey))"))
    }
    return indexes
  }

  var uniqueIndexNames: [String: String] {
    Dictionary(uniqueKeysWithValues: service.uniqueFields.map { (Self.identifier("\(tableName)$\($0)$unique"), $0) })
  }

  func schemaStatements() -> [String] {
    [
      "CREATE TABLE IF NOT EXISTS \(table) (id text COLLATE \"C\" PRIMARY KEY, data json NOT NULL, created_at text COLLATE \"C\" NOT NULL, updated_at text COLLATE \"C\" NOT NULL)"
    ]
      + indexes.map { index in
        let unique = index.name.hasSuffix("$unique") ? "UNIQUE " : ""
        return "CREATE \(unique)INDEX IF NOT EXISTS \"\(index.name)\" ON \(table) \(index.create)"
      }
  }

  /// Creates the table and its indexes where they are missing, once per connection. Two
  /// processes making them at once wait for each other on an advisory lock.
  func prepareSchema(_ db: PostgresConnection) throws {
    if schemaReady { return }
    let names = indexes.map(\.name)
    let present = try db.rows(
      "SELECT count(*) FROM pg_catalog.pg_indexes WHERE schemaname = $1 AND tablename = $2 AND indexname = ANY($3::text[])",
      [.text(schemaName), .text(tableName), .text(Self.arrayLiteral(names))])
    if present.first?.first != String(names.count) {
      _ = try db.simpleQuery("BEGIN")
      do {
        _ = try db.simpleQuery(
          (["SELECT pg_advisory_xact_lock(hashtext(\(PostgresQueryCompiler.literal("project " + table))))"]
            + schemaStatements()).joined(separator: "; "))
      } catch {
        rollBack(db)
        throw error
      }
      try commit(db)
    }
    schemaReady = true
  }

  /// A `text[]` literal: `{"a","b\"c"}`.
  static func arrayLiteral(_ items: [String]) -> String {
    var text = "{"
    for (index, item) in items.enumerated() {
      if index > 0 { text += "," }
      text += "\""
      for character in item.unicodeScalars {
        if character == "\\" || character == "\"" { text += "\\" }
        text.unicodeScalars.append(character)
      }
      text += "\""
    }
    return text + "}"
  }

  // MARK: Reading

  func record(from row: PostgresRow) throws -> Record {
    try row.withBytes(1) { data in
      try Record.stored(
        id: row.text(0) ?? "", data: data, createdAt: row.text(2) ?? "", updatedAt: row.text(3) ?? "",
        location: location)
    }
  }

  func select(_ query: RecordQuery) -> (sql: String, parameters: [PostgresParameter]) {
    let compiled = PostgresQueryCompiler.compile(query)
    let sql = [
      "SELECT \(Self.columns) FROM \(table)", compiled.whereClause, compiled.orderClause, compiled.limitClause,
    ]
    .filter { !$0.isEmpty }.joined(separator: " ")
    return (sql, compiled.parameters)
  }

  public func selectSQL(_ query: RecordQuery) -> (sql: String, bindings: [SQLScalar]) {
    let (sql, parameters) = select(query)
    return (
      sql,
      parameters.map { parameter in
        let text = parameter.value.map { String(decoding: $0, as: UTF8.self) }
        switch (parameter.type, text) {
        case (_, nil): return .null
        case (25, let text?): return .text(text)
        case (_, let text?):
          return Int64(text).map(SQLScalar.integer) ?? Double(text).map(SQLScalar.real) ?? .text(text)
        }
      }
    )
  }

  /// PostgreSQL's plan for the query. Without the table yet, it is made in a transaction that
  /// is rolled back, so nothing is written.
  public func explain(_ query: RecordQuery) throws -> [String] {
    let (sql, parameters) = select(query)
    let db = try session()
    _ = try db.simpleQuery("BEGIN")
    defer { rollBack(db) }
    for statement in schemaStatements() { _ = try db.simpleQuery(statement) }
    return try db.rows("EXPLAIN " + sql, parameters).map { $0.first.flatMap { $0 } ?? "" }
  }

  public func list(_ query: RecordQuery) throws -> [Record] {
    var records: [Record] = []
    try forEach(query) { records.append($0) }
    return records
  }

  public func forEach(_ query: RecordQuery, _ body: (Record) throws -> Void) throws {
    let (sql, parameters) = select(query)
    _ = try read { db in try db.query(sql, parameters) { row in try body(try record(from: row)) } }
  }

  public func forEachRow(_ query: RecordQuery, _ body: RawRowBody) throws {
    let (sql, parameters) = select(query)
    _ = try read { db in
      try db.query(sql, parameters) { row in
        let id = row.text(0) ?? ""
        try row.withBytes(1) { data in
          try checkObject(data, id: id)
          try body(id, data, row.text(2) ?? "", row.text(3) ?? "")
        }
      }
    }
  }

  public func count(_ query: RecordQuery) throws -> Int {
    let compiled = PostgresQueryCompiler.compile(RecordQuery(filters: query.filters))
    let rows = try read { db in
      try db.rows("SELECT count(*) FROM \(table) \(compiled.whereClause)", compiled.parameters)
    }
    return rows?.first?.first.flatMap { $0 }.flatMap { Int($0) } ?? 0
  }

  public func get(ids: [String]) throws -> [Record] {
    var found: [ByteString: Record] = [:]
    _ = try read { db in
      try db.query(
        "SELECT \(Self.columns) FROM \(table) WHERE id = ANY($1::text[])", [.text(Self.arrayLiteral(ids))]
      ) { row in
        let record = try record(from: row)
        found[ByteString(record.id)] = record
      }
    }
    return ids.compactMap { found[ByteString($0)] }
  }

  public func lastModified() throws -> Int64? {
    let rows = try read { db in try db.rows("SELECT max(updated_at) FROM \(table)") }
    return rows?.first?.first.flatMap { $0 }.flatMap(Timestamp.parseRecordTimestamp)
  }

  // MARK: Writing

  public func insert(_ records: [Record], onConflict: ConflictPolicy) throws -> WriteSummary {
    try UniqueCheck.requireDistinct(records, fields: service.uniqueFields, location: location)
    let db = try session()
    try prepareSchema(db)
    let state = LoadState()
    state.current = PreparedRows(records)
    return try writing(state) {
      try transaction { db in try insertRows(state.current, onConflict: onConflict, db) }
    }
  }

  /// Inserts rows one statement each, counting what became of each.
  func insertRows(_ rows: PreparedRows, onConflict: ConflictPolicy, _ db: PostgresConnection) throws -> WriteSummary {
    let conflict =
      switch onConflict {
      case .fail: ""
      case .skip: " ON CONFLICT (id) DO NOTHING"
      case .overwrite:
        " ON CONFLICT (id) DO UPDATE SET data = excluded.data, created_at = excluded.created_at, updated_at = excluded.updated_at"
      }
    let sql =
      "INSERT INTO \(table) (id, data, created_at, updated_at) VALUES ($1, $2, $3, $4)\(conflict) RETURNING xmax = 0"
    var summary = WriteSummary()
    for row in 0..<rows.count {
      var inserted: Bool?
      try db.query(sql, Self.parameters(rows, row)) { result in inserted = result.text(0) == "t" }
      switch inserted {
      case true?: summary.added += 1
      case false?: summary.updated += 1
      case nil: summary.skipped += 1
      }
    }
    return summary
  }

  static func parameters(_ rows: PreparedRows, _ row: Int) -> [PostgresParameter] {
    (0..<4).map { column in
      PostgresParameter(type: column == 1 ? 114 : 25, value: Array(rows.text[rows.range(row, column)]))
    }
  }

  /// Runs a write of `rows`, turning the server's unique violations into the messages SQLite's
  /// give: the id, or the field, value and record it clashes with.
  /// `state.current` holds the rows being written when the violation came.
  func writing<T>(_ state: LoadState, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as PostgresError where error.sqlState == "23505" {
      throw try clash(error, rows: state.current)
    }
  }

  func clash(_ error: PostgresError, rows: PreparedRows) throws -> Error {
    if let detail = error.detail, detail.hasPrefix("Key (id)=("), detail.hasSuffix(") already exists.") {
      return StoreError.duplicateID(id: String(detail.dropFirst(10).dropLast(17)), location: location)
    }
    guard let field = error.constraint.flatMap({ uniqueIndexNames[$0] }) else { return error }
    let db = try session()
    let key = PostgresQueryCompiler.Value(FieldPath([field])).uniqueKey
    for row in 0..<rows.count {
      let record = rows.record(row)
      guard let value = record.fields[field], !value.isNull else { continue }
      // The inner `data` is the given record's: the innermost query's columns come first.
      let found = try db.rows(
        "SELECT id FROM \(table) WHERE \(key) = (SELECT \(key) FROM (SELECT $1::json AS data) AS given) AND id <> $2 LIMIT 1",
        [.json(Array(rows.text[rows.range(row, 1)])), .text(record.id)])
      if let existing = found.first?.first ?? nil {
        return StoreError.uniqueViolation(
          field: field, value: ValueText.preview(value), existingID: existing, location: location)
      }
    }
    return StoreError.uniqueViolation(field: field, value: "given", existingID: nil, location: location)
  }

  public func update(id: String, _ change: (inout Record) throws -> Void) throws -> Record {
    let db = try session()
    try prepareSchema(db)
    let state = LoadState()
    return try writing(state) {
      try transaction { db in
        var found: Record?
        // FOR UPDATE: writers on other machines wait here until this one commits.
        try db.query("SELECT \(Self.columns) FROM \(table) WHERE id = $1 FOR UPDATE", [.text(id)]) { row in
          found = try record(from: row)
        }
        guard var record = found else { throw StoreError.notFound(ids: [id], location: location) }
        try change(&record)
        record.id = id
        _ = try writeBack([record], state, db, requireStored: false)
        return record
      }
    }
  }

  public func delete(ids: [String]) throws -> Int {
    let unique = Array(Set(ids.map(ByteString.init))).map(\.text)
    var deleted: Set<ByteString> = []
    let done: Void? = try read { _ in
      try transaction { db in
        try db.query("DELETE FROM \(table) WHERE id = ANY($1::text[]) RETURNING id", [.text(Self.arrayLiteral(unique))])
        {
          row in
          deleted.insert(ByteString(row.text(0) ?? ""))
        }
        if deleted.count != unique.count {
          throw StoreError.notFound(ids: ids.filter { !deleted.contains(ByteString($0)) }, location: location)
        }
      }
    }
    if done == nil && !ids.isEmpty { throw StoreError.notFound(ids: ids, location: location) }
    return deleted.count
  }

  public func delete(matching query: RecordQuery) throws -> Int {
    let compiled = PostgresQueryCompiler.compile(RecordQuery(filters: query.filters))
    let tag = try read { _ in
      try transaction { db in try db.query("DELETE FROM \(table) \(compiled.whereClause)", compiled.parameters) }
    }
    return tag.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
  }

  // MARK: Bulk loading

  /// Loads batches in one transaction with `COPY ... FROM STDIN (FORMAT binary)`: straight into
  /// the table when a clash fails the load, else into a temporary table first, from which one
  /// `INSERT ... ON CONFLICT` counts each row's fate. Unique values are checked across the
  /// batches as they come, so that a clash inside the input names both records.
  public func withBulkLoad<T>(
    onConflict: ConflictPolicy, _ body: (_ load: (PreparedRows) throws -> WriteSummary) throws -> T
  ) throws -> T {
    let db = try session()
    try prepareSchema(db)
    let state = LoadState()
    return try writing(state) {
      try transaction { db in
        if onConflict != .fail {
          _ = try db.simpleQuery(
            "CREATE TEMPORARY TABLE project_load (id text COLLATE \"C\", data json, created_at text COLLATE \"C\", updated_at text COLLATE \"C\") ON COMMIT DROP"
          )
        }
        return try body { rows in
          state.current = rows
          try checkUnique(rows, &state.seen)
          if onConflict == .fail {
            try copy(rows, into: table, db)
            return WriteSummary(added: rows.count)
          }
          var summary = WriteSummary()
          for part in Self.partsWithDistinctIDs(rows) {
            try copy(part, into: "project_load", db)
            let counts = try db.rows(
              "WITH written AS (INSERT INTO \(table) (id, data, created_at, updated_at) SELECT id, data, created_at, updated_at FROM project_load"
                + (onConflict == .skip
                  ? " ON CONFLICT (id) DO NOTHING"
                  : " ON CONFLICT (id) DO UPDATE SET data = excluded.data, created_at = excluded.created_at, updated_at = excluded.updated_at")
                + " RETURNING xmax = 0 AS added) SELECT count(*) FILTER (WHERE added), count(*) FILTER (WHERE NOT added) FROM written"
            )
            let added = Int(counts.first?[0] ?? "0") ?? 0
            let updated = Int(counts.first?[1] ?? "0") ?? 0
            summary.added += added
            summary.updated += updated
            summary.skipped += part.count - added - updated
            _ = try db.simpleQuery("TRUNCATE project_load")
          }
          return summary
        }
      }
    }
  }

  /// What a bulk load keeps between batches: the unique values seen (to name both records of a
  /// clash inside the input) and the batch being written (to name the record of a clash).
  final class LoadState {
    var seen: [String: [UniqueCheck.Key: String]] = [:]
    var current = PreparedRows()
  }

  /// The clash of a unique value with an earlier record of the same load.
  func checkUnique(_ rows: PreparedRows, _ seen: inout [String: [UniqueCheck.Key: String]]) throws {
    let fields = service.uniqueFields
    guard !fields.isEmpty else { return }
    for row in 0..<rows.count {
      let record = rows.record(row)
      for field in fields {
        let scalar = SQLScalar(record.fields[field])
        if scalar.isNull { continue }
        let key = UniqueCheck.Key(scalar)
        if let first = seen[field, default: [:]][key], ByteString(first) != ByteString(record.id) {
          throw StoreError.uniqueViolationInInput(
            field: field, value: ValueText.preview(record.fields[field] ?? .null), firstID: first, id: record.id)
        }
        seen[field, default: [:]][key] = record.id
      }
    }
  }

  /// The rows split where an id comes a second time, so that each part names an id once (one
  /// `INSERT ... ON CONFLICT DO UPDATE` may not touch a row twice), in their order.
  static func partsWithDistinctIDs(_ rows: PreparedRows) -> [PreparedRows] {
    var parts: [PreparedRows] = []
    var part = PreparedRows()
    var ids: Set<ByteString> = []
    for row in 0..<rows.count {
      let id = ByteString(rows.string(row, 0))
      if ids.contains(id) {
        parts.append(part)
        part = PreparedRows()
        ids = []
      }
      ids.insert(id)
      part.append(copying: rows, row: row)
    }
    if !part.isEmpty { parts.append(part) }
    return parts
  }

  /// Sends rows as one binary COPY: a header, each row as four length-prefixed fields (the
  /// binary forms of text and json are their UTF-8 text), and the trailer.
  func copy(_ rows: PreparedRows, into target: String, _ db: PostgresConnection) throws {
    try db.copyIn("COPY \(target) (id, data, created_at, updated_at) FROM STDIN (FORMAT binary)") { send in
      var buffer: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]
      buffer.reserveCapacity(min(rows.text.count + rows.count * 18 + 64, 1 << 20))
      for row in 0..<rows.count {
        buffer += [0, 4]
        for column in 0..<4 {
          let range = rows.range(row, column)
          let length = UInt32(range.count)
          buffer += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
          buffer += rows.text[range]
        }
        if buffer.count >= 1 << 20 {
          try send(buffer)
          buffer.removeAll(keepingCapacity: true)
        }
      }
      buffer += [0xFF, 0xFF]
      try send(buffer)
    }
  }
}
