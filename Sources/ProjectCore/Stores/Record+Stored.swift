extension Record {
  /// A record as a database store holds it (`id`, the `data` JSON, the timestamps), whose
  /// `data` must be a JSON object.
  static func stored(
    id: String, data: UnsafeBufferPointer<UInt8>, createdAt: String, updatedAt: String,
    location: @autoclosure () -> String
  )
    throws -> Record
  {
    let value: JSONValue
    do {
      value = try JSONReader.parse(buffer: data)
    } catch {
      throw StoreError.invalidStoredRecord(location: location(), id: id, message: "data is not valid JSON (\(error))")
    }
    guard case .object(let fields) = value else {
      throw StoreError.invalidStoredRecord(location: location(), id: id, message: "data is not a JSON object")
    }
    return Record(id: id, fields: fields, createdAt: createdAt, updatedAt: updatedAt)
  }
}
