/// Record id generation: UUIDv7 (time-ordered, the default) and UUIDv4.
public enum RecordID {
  public enum Strategy: Hashable, Sendable {
    case uuid7
    case uuid4
    /// The id is the value of this (required string or integer) field: a natural key.
    case field(String)
  }

  nonisolated(unsafe) static var lastV7: (ms: Int64, counter: UInt16) = (0, 0)

  /// A UUIDv7: 48 bits of Unix milliseconds, a 12-bit counter that keeps ids made in the same
  /// millisecond by one process in order, and 62 random bits.
  public static func uuid7() -> String {
    var generator = SystemRandomNumberGenerator()
    var ms = FileSystem.nowMilliseconds()
    var counter: UInt16
    if ms <= lastV7.ms {
      ms = lastV7.ms
      counter = lastV7.counter &+ 1
      if counter > 0x0FFF {
        ms += 1
        counter = UInt16.random(in: 0...0x7FF, using: &generator)
      }
    } else {
      counter = UInt16.random(in: 0...0x7FF, using: &generator)
    }
    lastV7 = (ms, counter)
    var bytes = [UInt8](repeating: 0, count: 16)
    for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (40 - 8 * Int64(i))) }
    bytes[6] = 0x70 | UInt8(counter >> 8)
    bytes[7] = UInt8(truncatingIfNeeded: counter)
    for i in 8..<16 { bytes[i] = UInt8.random(in: 0...255, using: &generator) }
    bytes[8] = 0x80 | (bytes[8] & 0x3F)
    return format(bytes)
  }

  public static func uuid4() -> String {
    var generator = SystemRandomNumberGenerator()
    var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
    bytes[6] = 0x40 | (bytes[6] & 0x0F)
    bytes[8] = 0x80 | (bytes[8] & 0x3F)
    return format(bytes)
  }

  static func format(_ bytes: [UInt8]) -> String {
    let hex = Array("0123456789abcdef")
    var out = ""
    for (i, byte) in bytes.enumerated() {
      if i == 4 || i == 6 || i == 8 || i == 10 { out.append("-") }
      out.append(hex[Int(byte >> 4)])
      out.append(hex[Int(byte & 0xF)])
    }
    return out
  }
}
