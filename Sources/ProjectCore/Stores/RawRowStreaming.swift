/// A store that hands out its records as text, without building them (`export`).
public protocol RawRowStreaming: RecordStore {
  /// Calls `body` with each record in the default order: its id, its fields as one JSON object
  /// (checked to be one) and its timestamps.
  func forEachRow(
    _ body: (_ id: String, _ data: UnsafeBufferPointer<UInt8>, _ createdAt: String, _ updatedAt: String) throws -> Void)
    throws
}
