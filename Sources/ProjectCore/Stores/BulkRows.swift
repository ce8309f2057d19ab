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
