/// A message from the server: its type byte and body, read field by field. A body shorter than
/// its fields claim reads as zeros and empty strings; the caller checks what it needs.
struct PostgresBackendMessage {
  let type: UInt8
  let body: [UInt8]
  private var offset = 0

  init(type: UInt8, body: [UInt8]) {
    self.type = type
    self.body = body
  }

  var typeName: Character { Character(Unicode.Scalar(type)) }

  var remaining: Int { body.count - offset }

  mutating func int16() -> Int16 {
    guard remaining >= 2 else { return 0 }
    defer { offset += 2 }
    return Int16(bitPattern: UInt16(body[offset]) << 8 | UInt16(body[offset + 1]))
  }

  mutating func int32() -> Int32 {
    guard remaining >= 4 else { return 0 }
    defer { offset += 4 }
    var value: UInt32 = 0
    for index in offset..<offset + 4 { value = value << 8 | UInt32(body[index]) }
    return Int32(bitPattern: value)
  }

  mutating func bytes(_ count: Int) -> [UInt8] {
    let end = min(body.count, offset + max(0, count))
    defer { offset = end }
    return Array(body[offset..<end])
  }

  mutating func rest() -> [UInt8] { bytes(remaining) }

  mutating func cString() -> String {
    let end = body[offset...].firstIndex(of: 0) ?? body.count
    defer { offset = min(body.count, end + 1) }
    return String(decoding: body[offset..<end], as: UTF8.self)
  }

  /// The fields of an ErrorResponse or NoticeResponse, by their code byte ("C", "M", "D", "H").
  mutating func errorFields() -> [Character: String] {
    var fields: [Character: String] = [:]
    while remaining > 0 {
      let code = body[offset]
      offset += 1
      if code == 0 { break }
      fields[Character(Unicode.Scalar(code))] = cString()
    }
    return fields
  }
}
