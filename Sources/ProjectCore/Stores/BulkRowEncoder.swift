/// The short way from a record's text to its row, for the records imports mostly hold.
public protocol BulkRowEncoder {
  associatedtype Rows
  /// Nil when the service's records must all take the general way.
  init?(service: RecordService, now: String)
  /// Appends the row of one record object (filed under `key` in a store file); false, with
  /// nothing appended, when the record must take the general way (parsed, checked, appended).
  mutating func append(_ record: UnsafeBufferPointer<UInt8>, key: String?, to rows: inout Rows) -> Bool
}
