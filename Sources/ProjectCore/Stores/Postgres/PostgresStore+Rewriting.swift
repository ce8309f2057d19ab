extension PostgresStore: RecordRewriting {
  /// One transaction that first locks the table against other writers (readers go on), so
  /// that no write lands between the read and the rewrite. Without the table yet, `change([])`.
  public func rewrite<T>(_ change: (_ records: [Record]) throws -> (changed: [Record], result: T)) throws -> T {
    let rewritten = LoadState()
    let done = try read { _ in
      try writing(rewritten) {
        try transaction { db in
          _ = try db.simpleQuery("LOCK TABLE \(table) IN SHARE ROW EXCLUSIVE MODE")
          let stale = try staleIndexes(db)
          var records: [Record] = []
          let (sql, parameters) = select(.all)
          try db.query(sql, parameters) { row in records.append(try record(from: row)) }
          let (changed, result) = try change(records)
          _ = try writeBack(changed, rewritten, db, requireStored: true)
          for statement in schemaStatements() { _ = try db.simpleQuery(statement) }
          for name in stale { _ = try db.simpleQuery("DROP INDEX \"\(schemaName)\".\"\(name)\"") }
          return result
        }
      }
    }
    if let done { return done }
    return try change([]).result
  }

  /// None without the table: the catalog then lists no index on it.
  public func staleIndexes() throws -> [String] {
    try staleIndexes(try session())
  }

  /// The table's indexes, named as this store names them (`<table>$...`), that `indexes` no
  /// longer lists. The primary key's and those another tool made under other names stay.
  func staleIndexes(_ db: PostgresConnection) throws -> [String] {
    let current = Set(indexes.map(\.name))
    return try db.rows(
      "SELECT indexname FROM pg_catalog.pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname",
      [.text(schemaName), .text(tableName)]
    )
    .compactMap { $0.first ?? nil }
    .filter { $0.hasPrefix(tableName + "$") && !current.contains($0) }
  }

}

extension PostgresStore {
  /// `update --where`: the matches are locked (`FOR UPDATE`) as they are read, so writers on
  /// other machines wait until this transaction ends.
  public func update(matching query: RecordQuery, _ change: ([Record]) throws -> [Record]) throws -> Int {
    let (sql, parameters) = select(RecordQuery(filters: query.filters))
    let state = LoadState()
    let written = try read { _ in
      try writing(state) {
        try transaction { db in
          var matched: [Record] = []
          try db.query(sql + " FOR UPDATE", parameters) { row in matched.append(try record(from: row)) }
          let changed = try change(matched)
          try UniqueCheck.requireDistinct(changed, fields: service.uniqueFields, location: location)
          return try writeBack(changed, state, db, requireStored: false)
        }
      }
    }
    return written ?? 0
  }
}

extension PostgresStore: ExternallyBackedUp {
  /// `pg_dump` of this table, in its custom format, to a file named after it.
  public var backupCommand: String {
    let database = url.map { " -d '\($0.replacing("'", with: "'\\''"))'" } ?? ""
    return "pg_dump\(database) -t '\"\(schemaName)\".\"\(tableName)\"' -Fc -f \(tableName).dump"
  }
}

extension PostgresStore {
  /// Writes each record's fields and `updated_at` over its stored row, each in `state.current`
  /// while it is written (so that a unique violation names it); returns how many rows changed.
  /// With `requireStored`, an id not stored is `StoreError.notFound`.
  func writeBack(_ records: [Record], _ state: LoadState, _ db: PostgresConnection, requireStored: Bool) throws
    -> Int
  {
    var written = 0
    for record in records {
      state.current = PreparedRows([record])
      let tag = try db.query(
        "UPDATE \(table) SET data = $1, updated_at = $2 WHERE id = $3",
        [.json(JSONWriter.bytes(.object(record.fields))), .text(record.updatedAt), .text(record.id)])
      let changed = Int(tag.split(separator: " ").last ?? "") ?? 0
      if requireStored && changed == 0 { throw StoreError.notFound(ids: [record.id], location: location) }
      written += changed
    }
    return written
  }
}
