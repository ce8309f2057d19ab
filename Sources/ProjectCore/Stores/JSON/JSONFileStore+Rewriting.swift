extension JSONFileStore: RecordRewriting {
  /// One rewrite of the file under its lock, after a copy of the file as it was to
  /// `<file>.bak`; nothing is written when no record changed. A JSON file has no indexes.
  public func rewrite<T>(_ change: (_ records: [Record]) throws -> (changed: [Record], result: T)) throws -> T {
    try checkPath()
    guard FileSystem.exists(path) else { return try change([]).result }
    return try withLock {
      guard let file = try scan() else { throw StoreError.io(FileSystemError.vanished(path)) }
      var records = try file.records()
      let (changed, result) = try change(records)
      guard !changed.isEmpty else { return result }
      for record in changed {
        guard let i = file.position(of: record.id) else {
          throw StoreError.notFound(ids: [record.id], location: location)
        }
        records[i].fields = record.fields
        records[i].updatedAt = record.updatedAt
      }
      do throws(FileSystemError) { try FileSystem.copy(path, to: path + ".bak") } catch { throw StoreError.io(error) }
      try write(Self.encode(records, schema: service.schema))
      return result
    }
  }

  public func staleIndexes() throws -> [String] { [] }
}
