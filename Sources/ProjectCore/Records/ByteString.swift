/// Text compared by its UTF-8 bytes: the one way ids, record keys, unique values and enum
/// values are compared, hashed and sorted.
///
/// `String`'s `==` compares canonical equivalence: "é" written precomposed (U+00E9) and
/// decomposed ("e" + U+0301) are equal to it, and so are KELVIN SIGN and "K". SQLite's
/// `TEXT PRIMARY KEY`, unique indexes and `json_extract` compare bytes, so both stores do too:
/// wrap the text in `ByteString` before putting it in a `Set`, a dictionary or an `==`.
public struct ByteString: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let text: String

  @inline(__always)
  public init(_ text: String) { self.text = text }

  public var description: String { text }

  /// Byte counts first (most lookups are misses), then the bytes in place.
  @inline(__always)
  public static func == (a: ByteString, b: ByteString) -> Bool {
    let x = a.text
    let y = b.text
    guard x.utf8.count == y.utf8.count else { return false }
    // Two identical String values hold the same text: short strings keep their bytes inline,
    // long ones share their storage. Keys and field names are short, so this settles most.
    if MemoryLayout<String>.size == 16 {
      let same = withUnsafeBytes(of: x) { p in
        withUnsafeBytes(of: y) { q in
          p.loadUnaligned(as: UInt64.self) == q.loadUnaligned(as: UInt64.self)
            && p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
              == q.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        }
      }
      if same { return true }
    }
    let inPlace = x.utf8.withContiguousStorageIfAvailable { p in
      y.utf8.withContiguousStorageIfAvailable { q in p.elementsEqual(q) }
    }
    return (inPlace ?? nil) ?? x.utf8.elementsEqual(y.utf8)
  }

  public func hash(into hasher: inout Hasher) {
    var text = text
    text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
  }

  /// Byte order, as SQLite's BINARY collation sorts text.
  public static func < (a: ByteString, b: ByteString) -> Bool { compare(a.text, b.text) < 0 }

  /// Negative, zero or positive, as `memcmp` and then the length order them.
  public static func compare(_ a: String, _ b: String) -> Int {
    var a = a
    var b = b
    return a.withUTF8 { x in
      b.withUTF8 { y in
        for i in 0..<min(x.count, y.count) where x[i] != y[i] { return x[i] < y[i] ? -1 : 1 }
        return x.count < y.count ? -1 : (x.count > y.count ? 1 : 0)
      }
    }
  }
}

extension Sequence<String> {
  /// Whether one of the texts has the same bytes as `text` (`contains` would match any
  /// canonically equivalent spelling).
  public func containsBytes(_ text: String) -> Bool {
    let key = ByteString(text)
    return contains { ByteString($0) == key }
  }
}
