extension JSONFileStore: RecordRewriting {
  /// One rewrite of the file under its lock, after a copy of the file as it was to
  /// `<file>.bak`; nothing is written when no record changed. A JSON file has no indexes.
  public func rewrite<T>(_ change: (_ records: [Record]) throws -> (changed: [Record], result: T)) throws -> T {
    try checkPath()
    guard FileSystem.exists(path) else { return try change([]).result }
    return try withLock {
      let file = try scanForWriting()
      var records = try file.records()
      let (changed, result) = try change(records)
      guard !changed.isEmpty else { return result }
      var replaced: [Int: Record] = [:]
      for record in changed {
        guard let i = try file.position(of: record.id) else {
          throw StoreError.notFound(ids: [record.id], location: location)
        }
        records[i].fields = record.fields
        records[i].updatedAt = record.updatedAt
        replaced[i] = records[i]
      }
      do throws(FileSystemError) { try FileSystem.copy(path, to: path + ".bak") } catch { throw StoreError.io(error) }
      try write(file, changing: { replaced[$0].map { .replace($0) } ?? .keep })
      return result
    }
  }

  public func staleIndexes() throws -> [String] { [] }
}
