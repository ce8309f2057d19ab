/// A store that loads many records in one transaction as they are read (`import`).
///
/// The import reads, checks and encodes records into `Rows` on one thread while this store
/// writes the batches on another; a store without this ability gets the records in one
/// `insert`.
public protocol BulkLoading: RecordStore {
  /// A batch of rows in the store's own encoding.
  associatedtype Rows: BulkRows

  /// Runs `body` in one write transaction; `body` hands batches to `load`. The transaction
  /// commits when `body` returns and rolls back when it throws, so readers see every record or
  /// none.
  func withBulkLoad<T>(onConflict: ConflictPolicy, _ body: (_ load: (Rows) throws -> WriteSummary) throws -> T) throws
    -> T
}
