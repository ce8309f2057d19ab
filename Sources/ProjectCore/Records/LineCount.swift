/// A position in text as JSON errors name it, counted over the bytes before it: lines from 1,
/// one more after each line feed; columns from 1, in characters (UTF-8 continuation bytes are
/// not counted). `JSONCursor` counts its buffer with it; a store file read through a window is
/// counted a window at a time.
struct LineCount {
  var line = 1
  /// Characters (not UTF-8 continuation bytes) since the last line feed.
  var column = 0

  mutating func add(_ bytes: some Sequence<UInt8>) {
    for byte in bytes {
      if byte == UInt8(ascii: "\n") {
        line += 1
        column = 0
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
    }
  }

  /// The line and column of the position after the bytes added: `previous` is the last of them
  /// (nil when none), `next` the byte at the position (nil at the end of the text). A position
  /// inside a character (between two continuation bytes) is that character's column.
  func position(previous: UInt8?, next: UInt8?) -> (line: Int, column: Int) {
    var column = self.column + 1
    if let previous, let next, previous & 0xC0 == 0x80, next & 0xC0 == 0x80 { column -= 1 }
    return (line, column)
  }
}
