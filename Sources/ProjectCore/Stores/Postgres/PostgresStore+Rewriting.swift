extension PostgresStore: RecordRewriting {
  /// One transaction that first locks the table against other writers (readers go on), so
  /// that no write lands between the read and the rewrite.
  public func rewrite<T>(_ change: (_ records: [Record]) throws -> (changed: [Record], result: T)) throws -> T {
    guard try tableExists() else { return try change([]).result }
    let rewritten = LoadState()
    return try writing(rewritten) {
      try transaction { db in
        _ = try db.simpleQuery("LOCK TABLE \(table) IN SHARE ROW EXCLUSIVE MODE")
        let stale = try staleIndexes(db)
        var records: [Record] = []
        let (sql, parameters) = select(.all)
        try db.query(sql, parameters) { row in records.append(try record(from: row)) }
        let (changed, result) = try change(records)
        for record in changed {
          rewritten.current = PreparedRows([record])
          let tag = try db.query(
            "UPDATE \(table) SET data = $1, updated_at = $2 WHERE id = $3",
            [.json(JSONWriter.bytes(.object(record.fields))), .text(record.updatedAt), .text(record.id)])
          if tag == "UPDATE 0" { throw StoreError.notFound(ids: [record.id], location: location) }
        }
        for statement in schemaStatements() { _ = try db.simpleQuery(statement) }
        for name in stale { _ = try db.simpleQuery("DROP INDEX \"\(schemaName)\".\"\(name)\"") }
        return result
      }
    }
  }

  public func staleIndexes() throws -> [String] {
    guard try tableExists() else { return [] }
    return try staleIndexes(try session())
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

  func tableExists() throws -> Bool {
    let found = try session().rows(
      "SELECT to_regclass($1) IS NOT NULL", [.text("\"\(schemaName)\".\"\(tableName)\"")])
    return found.first?.first == "t"
  }
}
