/// A window on a store file's bytes: `buffer[0..<count]` holds the bytes from offset `base`.
/// Bytes held in memory are one window over all of them.
struct StoreFileWindow {
  /// How much one read brings in, and the window's size unless one record is larger.
  static let size = 1 << 22
  let source: StoreFileBytes
  private(set) var buffer: [UInt8] = []
  private(set) var base = 0
  private(set) var count = 0

  init(source: StoreFileBytes) {
    self.source = source
    if source.file == nil {
      buffer = source.memory
      count = source.memory.count
    }
  }

  var end: Int { base + count }
  /// True when the window reaches the end of the bytes.
  var atEnd: Bool { end >= source.count }

  /// Makes `range` readable in the window; with `ahead`, reads on to fill a whole window, for
  /// the ranges after it.
  mutating func load(_ range: Range<Int>, ahead: Bool) throws {
    if range.lowerBound >= base && range.upperBound <= end || source.file == nil { return }
    try move(to: range.lowerBound, capacity: max(ahead ? Self.size : 0, range.count), fill: ahead)
  }

  /// Starts the window at `offset`, keeping the bytes it holds from there, and fills it; with
  /// `grow`, twice as large as it was (one record is larger than the window).
  mutating func refill(from offset: Int, grow: Bool) throws {
    guard source.file != nil else { return }
    try move(to: offset, capacity: grow ? buffer.count * 2 : max(buffer.count, Self.size), fill: true)
  }

  private mutating func move(to offset: Int, capacity: Int, fill: Bool) throws {
    let kept = offset >= base && offset < end ? end - offset : 0
    let shift = offset - base
    if buffer.count < capacity {
      var larger = [UInt8](repeating: 0, count: capacity)
      if kept > 0 { larger.replaceSubrange(0..<kept, with: buffer[shift..<(shift + kept)]) }
      buffer = larger
    } else if kept > 0 && shift > 0 {
      buffer.withUnsafeMutableBufferPointer { bytes in
        for i in 0..<kept { bytes[i] = bytes[shift + i] }
      }
    }
    base = offset
    count = kept
    let target = fill ? buffer.count : capacity
    if count < target { count += try source.read(at: end, into: &buffer, count..<target) }
  }

  /// Calls `body` with an entry's id and value bytes; the entry must be in the window.
  func withEntry<T>(_ entry: JSONStoreFile.Entry, _ body: (String, UnsafeBufferPointer<UInt8>) throws -> T) throws -> T
  {
    let changed = StoreError.io(FileSystemError.changed(source.file?.path ?? ""))
    guard entry.keyStart >= base, entry.end <= end else { throw changed }
    return try buffer.withUnsafeBufferPointer { all in
      let bytes = UnsafeBufferPointer(rebasing: all[0..<(entry.end - base)])
      var parser = JSONParser(bytes)
      parser.index = entry.keyStart - base
      // The scan checked these bytes: they fail only when the file was changed in place.
      guard let key = try? parser.cursor.key() else { throw changed }
      let id = parser.cursor.decode(key)
      return try body(id, UnsafeBufferPointer(rebasing: bytes[parser.index...]))
    }
  }

  /// Appends the bytes of `range`, which must be in the window.
  func append(_ range: Range<Int>, to out: inout [UInt8]) {
    out.append(contentsOf: buffer[(range.lowerBound - base)..<(range.upperBound - base)])
  }
}

/// The checking pass over a store file: the whole text, as strictly as `JSONParser` reads it,
/// each top-level member parsed inside the window. A member that runs past the window's end is
/// read again from a window that starts at it (twice as large when it already did); errors
/// name the line and column in the whole file.
struct StoreFileScanner {
  enum Failure: Error {
    case syntax(JSONSyntaxError)
    /// An id given twice: the entry of its first occurrence, and the offset of the second key.
    case duplicate(first: Int, second: Int)
  }

  private var window: StoreFileWindow
  private let keys: JSONStoreFile.Keys?
  private let visit: JSONStoreFile.Visitor?
  private(set) var entries: [JSONStoreFile.Entry] = []
  private(set) var ids: IDTable
  private(set) var open = 0
  private(set) var close = 0
  private var duplicate: (first: Int, second: Int)?
  /// The first error `visit` threw; it is not called again.
  private var visitFailure: Error?
  /// A member starting closer than this to the window's end is read into a fresh window first,
  /// so that few members are parsed twice.
  private static let margin = 1 << 16

  init(source: StoreFileBytes, keeping keys: JSONStoreFile.Keys?, visit: JSONStoreFile.Visitor?) {
    window = StoreFileWindow(source: source)
    self.keys = keys
    self.visit = visit
    // Pretty-printed records run to a few hundred bytes each; the table grows when they are
    // shorter (a table made too large for them would hold its memory from the start).
    ids = IDTable(expected: source.count / 512)
    // Room the list never touches costs no memory; growing it would copy it.
    entries.reserveCapacity(source.count / 128)
  }

  private var source: StoreFileBytes { window.source }

  mutating func run() throws {
    try window.refill(from: 0, grow: false)
    var pos = 0
    if window.count >= 3 && window.buffer[0] == 0xEF && window.buffer[1] == 0xBB && window.buffer[2] == 0xBF {
      pos = 3
    }
    pos = try skipWhitespace(from: pos)
    guard pos < window.end else { throw try failure("the text is empty; expected a JSON value", at: pos) }
    guard byte(pos) == UInt8(ascii: "{") else { throw try notAnObject() }
    open = pos
    pos = try skipWhitespace(from: pos + 1)
    guard pos < window.end else { throw try failure("unexpected end of text inside an object", at: pos) }
    if byte(pos) == UInt8(ascii: "}") { return try finish(close: pos) }
    while true {
      let separator = try member(at: pos)
      if byte(separator) == UInt8(ascii: "}") {
        try finish(close: separator)
        // An id given twice makes the file broken; the rest was still checked, so that a
        // syntax error further on is reported first, as for any other file.
        if let duplicate { throw Failure.duplicate(first: duplicate.first, second: duplicate.second) }
        if let visitFailure { throw visitFailure }
        return
      }
      pos = try skipWhitespace(from: separator + 1)
      guard pos < window.end else { throw try failure("unexpected end of text inside an object", at: pos) }
    }
  }

  private func byte(_ offset: Int) -> UInt8 { window.buffer[offset - window.base] }

  /// Where the white space from `offset` ends, reading on as needed.
  private mutating func skipWhitespace(from offset: Int) throws -> Int {
    var pos = offset
    while true {
      if pos >= window.end {
        if window.atEnd { return pos }
        try window.refill(from: pos, grow: false)
        continue
      }
      let buffer = window.buffer
      let local = buffer.withUnsafeBufferPointer { all in
        JSONParser.whitespaceEnd(UnsafeBufferPointer(rebasing: all[0..<window.count]), from: pos - window.base)
      }
      pos = window.base + local
      if local < window.count { return pos }
    }
  }

  private mutating func finish(close offset: Int) throws {
    close = offset
    let pos = try skipWhitespace(from: offset + 1)
    if pos < window.end {
      throw try failure("unexpected \(JSONCursor.describe(byte(pos))) after the JSON value", at: pos)
    }
  }

  private enum Outcome {
    case member(separator: Int)
    case failed(JSONSyntaxError)
  }

  /// Parses the member at `pos` (`"<id>": value`) and the white space after it, notes it, and
  /// returns the offset of the `,` or `}` that follows.
  private mutating func member(at pos: Int) throws -> Int {
    while true {
      if !window.atEnd && window.end - pos < Self.margin && pos > window.base {
        try window.refill(from: pos, grow: false)
      }
      let buffer = window.buffer
      let base = window.base
      let outcome = buffer.withUnsafeBufferPointer { all -> Outcome in
        let bytes = UnsafeBufferPointer(rebasing: all[0..<window.count])
        var parser = JSONParser(bytes)
        parser.index = pos - base
        parser.depth = 1
        do throws(JSONSyntaxError) {
          let keyStart = parser.index
          let key = parser.cursor.decode(try parser.cursor.key())
          let start = parser.index
          var partial: JSONValue?
          if let keys, !keys.wanted.isEmpty, start < bytes.count, bytes[start] == UInt8(ascii: "{") {
            partial = try parser.parseObject(keeping: keys.wanted)
          } else {
            try parser.skipValue()
          }
          let end = parser.index
          // Past the `,` or `}` after the member; the scan goes on from that byte.
          _ = try parser.cursor.nextMember()
          parser.index -= 1
          // The whole member is in the window: note it.
          note(
            key: key, keyStart: base + keyStart, end: base + end, partial: partial,
            value: UnsafeBufferPointer(rebasing: bytes[start..<end]))
          return .member(separator: base + parser.index)
        } catch {
          return .failed(error)
        }
      }
      switch outcome {
      case .member(let separator): return separator
      case .failed(let error):
        if window.atEnd { throw try failure(error) }
        if pos > window.base {
          try window.refill(from: pos, grow: false)
        } else if isWhole(at: pos) {
          throw try failure(error)
        } else {
          try window.refill(from: pos, grow: true)
        }
      }
    }
  }

  private mutating func note(
    key: String, keyStart: Int, end: Int, partial: JSONValue?, value: UnsafeBufferPointer<UInt8>
  ) {
    let index = entries.count
    var existing: Int?
    do {
      // A copy of the list for the look-up only, let go before the list grows (else it is copied).
      let source = source
      let noted = entries
      existing = ids.insert(key, at: index) { (try? source.id(of: noted[$0])) ?? "" }
    }
    if let existing {
      if duplicate == nil { duplicate = (existing, keyStart) }
      return
    }
    self.entries.append(JSONStoreFile.Entry(keyStart: keyStart, end: end))
    guard let visit, visitFailure == nil else { return }
    do { try visit(index, key, partial, value) } catch { visitFailure = error }
  }

  /// True when the member at `pos` ends inside the window, as far as its quotes and brackets
  /// tell, with a byte after it: a syntax error in it is the file's, not the window's end.
  private func isWhole(at pos: Int) -> Bool {
    let buffer = window.buffer
    return buffer.withUnsafeBufferPointer { all in
      let bytes = UnsafeBufferPointer(rebasing: all[0..<window.count])
      var i = pos - window.base
      func skipString() -> Bool {
        i += 1
        while i < bytes.count {
          switch bytes[i] {
          case UInt8(ascii: "\\"): i += 2
          case UInt8(ascii: "\""):
            i += 1
            return true
          default: i += 1
          }
        }
        return false
      }
      func skipSpace() { i = JSONParser.whitespaceEnd(bytes, from: i) }
      guard bytes[i] == UInt8(ascii: "\"") else { return true }
      guard skipString() else { return false }
      skipSpace()
      guard i < bytes.count else { return false }
      guard bytes[i] == UInt8(ascii: ":") else { return true }
      i += 1
      skipSpace()
      guard i < bytes.count else { return false }
      if bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "[") {
        var depth = 0
        while i < bytes.count {
          switch bytes[i] {
          case UInt8(ascii: "\""):
            guard skipString() else { return false }
            continue
          case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
          case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
          default: break
          }
          i += 1
          if depth == 0 { break }
        }
        if depth > 0 { return false }
      } else {
        let ends: Set<UInt8> = [0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")]
        while i < bytes.count && !ends.contains(bytes[i]) { i += 1 }
      }
      skipSpace()
      return i < bytes.count
    }
  }

  /// A parser's error in the window, placed in the whole file.
  private func failure(_ error: JSONSyntaxError) throws -> Failure {
    // The byte before a window's start is always ASCII (white space, ',' or '{'), so columns
    // on the window's first line only add to those before it.
    let start = try source.lineColumn(at: window.base)
    let column = error.line == 1 ? error.column + start.column - 1 : error.column
    return .syntax(JSONSyntaxError(line: start.line + error.line - 1, column: column, message: error.message))
  }

  private func failure(_ message: String, at offset: Int) throws -> Failure {
    let place = try source.lineColumn(at: offset)
    return .syntax(JSONSyntaxError(line: place.line, column: place.column, message: message))
  }

  /// The error for a file that is not an object: read whole (a broken file's path only), as a
  /// full parse reads it.
  private func notAnObject() throws -> Failure {
    return try source.all().withUnsafeBufferPointer { buffer -> Failure in
      var parser = JSONParser(buffer)
      do throws(JSONSyntaxError) {
        parser.skipWhitespace()
        let start = parser.index
        try parser.skipValue()
        parser.skipWhitespace()
        if parser.index < buffer.count {
          throw parser.error("unexpected \(parser.describe(buffer[parser.index])) after the JSON value")
        }
        // A valid document, but not a map of records.
        let kind = (try? JSONReader.parse(UnsafeBufferPointer(rebasing: buffer[start...])))?.kindName ?? "a value"
        return .syntax(
          JSONSyntaxError(line: 1, column: 1, message: "expected an object of records keyed by id, found \(kind)"))
      } catch {
        return .syntax(error)
      }
    }
  }
}
