/// What `RawRowStreaming.forEachRow` hands `body` for each record: its id, its fields as one
/// JSON object (checked to be one) and its timestamps.
public typealias RawRowBody = (
  _ id: String, _ data: UnsafeBufferPointer<UInt8>, _ createdAt: String, _ updatedAt: String
) throws -> Void

/// A store that hands out its records as text, without building them (`export`, `list`).
public protocol RawRowStreaming: RecordStore {
  /// Calls `body` with each record the query matches, in the query's order: its id, its fields
  /// as one JSON object (checked to be one, as strictly as `JSONReader` reads) and its timestamps.
  func forEachRow(_ query: RecordQuery, _ body: RawRowBody) throws
}

extension RawRowStreaming {
  /// Every record in the default order.
  public func forEachRow(_ body: RawRowBody) throws { try forEachRow(.all, body) }

  /// Throws unless `data` is one JSON object that `JSONReader` reads, naming the record, with
  /// the messages the record path gives: invalid JSON first, then anything but an object.
  func checkObject(_ data: UnsafeBufferPointer<UInt8>, id: String) throws {
    var parser = JSONParser(data)
    do throws(JSONSyntaxError) {
      try parser.parseDocumentSkipping()
    } catch {
      throw StoreError.invalidStoredRecord(location: location, id: id, message: "data is not valid JSON (\(error))")
    }
    // Whitespace before the object is JSON too; the text is then not canonical, and is read.
    guard data.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "{") else {
      throw StoreError.invalidStoredRecord(location: location, id: id, message: "data is not a JSON object")
    }
  }
}
