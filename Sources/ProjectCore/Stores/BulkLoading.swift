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
  func withBulkLoad<T>(onConflict: ConflictPolicy, _ body: (_ load: (Rows) throws -> WriteSummary) throws -> T) throws -> T
}

/// Rows on their way into a `BulkLoading` store, made on the import's reading thread.
public protocol BulkRows: Sendable {
  /// Turns a record's text straight into a row, without building the record.
  associatedtype Encoder: BulkRowEncoder where Encoder.Rows == Self

  init()
  var count: Int { get }
  var isEmpty: Bool { get }
  /// Appends the row of a record that is already checked.
  mutating func append(_ record: Record)
}

/// The short way from a record's text to its row, for the records imports mostly hold.
public protocol BulkRowEncoder {
  associatedtype Rows
  /// Nil when the service's records must all take the general way.
  init?(service: RecordService, now: String)
  /// Appends the row of one record object (filed under `key` in a store file); false, with
  /// nothing appended, when the record must take the general way (parsed, checked, appended).
  mutating func append(_ record: UnsafeBufferPointer<UInt8>, key: String?, to rows: inout Rows) -> Bool
}
