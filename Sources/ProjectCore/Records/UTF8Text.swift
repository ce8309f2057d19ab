/// UTF-8 checks without the generic machinery of `String(validating:)`, which dominated the
/// cost of reading records.
public enum UTF8Text {
  /// Whether the text holds U+0000, read from its bytes in place: `utf8.contains(0)` walks the
  /// view an index at a time and cost 9% of an import.
  @inline(__always)
  public static func containsNUL(_ text: String) -> Bool {
    text.utf8.withContiguousStorageIfAvailable { $0.contains(0) } ?? text.utf8.contains(0)
  }

  /// A String of the bytes, or nil when they are not valid UTF-8.
  @inline(__always)
  public static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    guard isValid(bytes) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Whether the bytes are well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
  public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    let n = bytes.count
    while i < n {
      let b0 = bytes[i]
      if b0 < 0x80 {
        i += 1
        continue
      }
      if b0 >= 0xC2 && b0 <= 0xDF {
        guard i + 1 < n, bytes[i + 1] & 0xC0 == 0x80 else { return false }
        i += 2
      } else if b0 >= 0xE0 && b0 <= 0xEF {
        guard i + 2 < n else { return false }
        let b1 = bytes[i + 1]
        let b2 = bytes[i + 2]
        guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80 else { return false }
        if b0 == 0xE0 && b1 < 0xA0 { return false }
        if b0 == 0xED && b1 > 0x9F { return false }
        i += 3
      } else if b0 >= 0xF0 && b0 <= 0xF4 {
        guard i + 3 < n else { return false }
        let b1 = bytes[i + 1]
        let b2 = bytes[i + 2]
        let b3 = bytes[i + 3]
        guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80, b3 & 0xC0 == 0x80 else { return false }
        if b0 == 0xF0 && b1 < 0x90 { return false }
        if b0 == 0xF4 && b1 > 0x8F { return false }
        i += 4
      } else {
        return false
      }
    }
    return true
  }
}
