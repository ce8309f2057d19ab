extension SQLiteStore: RecordRewriting {
  /// One `BEGIN IMMEDIATE` transaction: reads every row, updates the changed ones, creates the
  /// missing indexes and drops the stale ones. When `change` throws, the transaction has
  /// written nothing: the table and its indexes are as they were.
  public func rewrite<T>(_ change: (_ records: [Record]) throws -> (changed: [Record], result: T)) throws -> T {
    guard let db = try reader() else { return try change([]).result }
    return try wrap {
      try db.writeTransaction {
        let stale = try staleIndexes(in: db)
        var records: [Record] = []
        let (sql, bindings) = selectSQL(.all)
        let select = try db.prepare(sql)
        try select.bind(bindings)
        while try select.step() { records.append(try record(from: select)) }
        select.reset()
        let (changed, result) = try change(records)
        _ = try writeBack(changed, in: db, requireStored: true)
        try createSchema(in: db)
        for name in stale { try db.execute("DROP INDEX \"\(name)\"") }
        return result
      }
    }
  }

  public func staleIndexes() throws -> [String] {
    guard let db = try reader() else { return [] }
    return try wrap { try staleIndexes(in: db) }
  }

  /// The table's indexes, named as this store names them, that `indexes` no longer lists.
  /// SQLite's own (the primary key's) and those another tool made under other names stay.
  func staleIndexes(in db: SQLiteDatabase) throws -> [String] {
    let statement = try db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name")
    try statement.bind([.text(service.stores.sqlite.table)])
    let current = Set(indexes.map(\.name))
    var stale: [String] = []
    while try statement.step() {
      guard let name = statement.text(0), !current.contains(name) else { continue }
      let table = service.stores.sqlite.table
      let ours =
        name.hasPrefix(table + "$")
        || (name.hasPrefix(table + "_") && (name.hasSuffix("_unique") || name.hasSuffix("_idx")))
      if ours { stale.append(name) }
    }
    return stale
  }

  /// Writes each record's fields and `updated_at` over its stored row; returns how many rows
  /// changed. With `requireStored`, an id not stored is `StoreError.notFound`.
  func writeBack(_ records: [Record], in db: SQLiteDatabase, requireStored: Bool) throws -> Int {
    let update = try db.prepare("UPDATE \(table) SET data = ?, updated_at = ? WHERE id = ?")
    defer { update.reset() }
    var written = 0
    for record in records {
      update.reset()
      try update.bind(bytes: JSONWriter.bytes(.object(record.fields)), at: 1)
      try update.bind(.text(record.updatedAt), at: 2)
      try update.bind(.text(record.id), at: 3)
      do {
        try update.step()
      } catch let error as SQLiteError where error.isUniqueViolation {
        throw try uniqueError(record, db: db)
      }
      if requireStored && db.changes == 0 { throw StoreError.notFound(ids: [record.id], location: location) }
      written += db.changes
    }
    return written
  }
}
