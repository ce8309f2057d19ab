/// A YAML tree as bytes and back, for `ManifestCache`: every node with its mark, every scalar
/// with its text and whether it was plain, so that a tree read back is the tree written.
///
/// A node is a kind byte (0 a quoted or block scalar, 1 a plain scalar, 2 a list, 3 a mapping),
/// its line and column, then the scalar's text (its length, then its bytes) or the count of
/// items (of pairs, for a mapping) and the items. Numbers are unsigned LEB128.
extension YAMLNode {
  func encode(into bytes: inout [UInt8]) {
    switch self {
    case .scalar(let text, let plain, let mark):
      bytes.append(plain ? 1 : 0)
      Self.encode(mark, into: &bytes)
      var text = text
      text.withUTF8 { utf8 in
        Self.encode(utf8.count, into: &bytes)
        bytes.append(contentsOf: utf8)
      }
    case .sequence(let items, let mark):
      bytes.append(2)
      Self.encode(mark, into: &bytes)
      Self.encode(items.count, into: &bytes)
      for item in items { item.encode(into: &bytes) }
    case .mapping(let pairs, let mark):
      bytes.append(3)
      Self.encode(mark, into: &bytes)
      Self.encode(pairs.count, into: &bytes)
      for pair in pairs {
        pair.key.encode(into: &bytes)
        pair.value.encode(into: &bytes)
      }
    }
  }

  static func encode(_ mark: SourceMark, into bytes: inout [UInt8]) {
    encode(mark.line, into: &bytes)
    encode(mark.column, into: &bytes)
  }

  static func encode(_ number: Int, into bytes: inout [UInt8]) {
    var rest = UInt64(number)
    while rest >= 0x80 {
      bytes.append(UInt8(rest & 0x7F) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }

  /// Reads nodes back from bytes that may be anything: every length and count is checked
  /// against what is left, nesting is bounded as `YAMLReader` bounds it, and text must be
  /// UTF-8. Nil, from any reading, means the bytes are not a tree this code wrote.
  struct Decoder {
    let bytes: ArraySlice<UInt8>
    var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
      self.bytes = bytes
      position = bytes.startIndex
    }

    var atEnd: Bool { position == bytes.endIndex }

    mutating func number() -> Int? {
      var value: UInt64 = 0
      var shift: UInt64 = 0
      while position < bytes.endIndex, shift < 63 {
        let byte = bytes[position]
        position += 1
        value |= UInt64(byte & 0x7F) << shift
        if byte < 0x80 { return value <= UInt64(Int32.max) ? Int(value) : nil }
        shift += 7
      }
      return nil
    }

    /// The next `count` bytes.
    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
      guard count >= 0, count <= bytes.endIndex - position else { return nil }
      defer { position += count }
      return bytes[position..<position + count]
    }

    mutating func mark() -> SourceMark? {
      guard let line = number(), let column = number() else { return nil }
      return SourceMark(line: line, column: column)
    }

    mutating func node(depth: Int = 0) -> YAMLNode? {
      guard depth < YAMLReader.maximumDepth, position < bytes.endIndex else { return nil }
      let kind = bytes[position]
      position += 1
      guard let mark = mark(), let count = number(), count <= bytes.endIndex - position else { return nil }
      switch kind {
      case 0, 1:
        guard let text = take(count), let string = String(validating: text, as: UTF8.self) else { return nil }
        return .scalar(string, plain: kind == 1, mark)
      case 2:
        var items: [YAMLNode] = []
        items.reserveCapacity(count)
        for _ in 0..<count {
          guard let item = node(depth: depth + 1) else { return nil }
          items.append(item)
        }
        return .sequence(items, mark)
      case 3:
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        pairs.reserveCapacity(count)
        for _ in 0..<count {
          guard let key = node(depth: depth + 1), let value = node(depth: depth + 1) else { return nil }
          pairs.append((key, value))
        }
        return .mapping(pairs, mark)
      default:
        return nil
      }
    }
  }
}
