/// A JSON store file and where each record stands in it, read through a window of a few MiB.
///
/// One strict pass checks the whole file (every error as `file:line:column`, exactly as a full
/// parse would report it) and notes each record's byte range and id hash without building it, so
/// memory holds a few words a record, never the file. Records are then read back one at a time,
/// as far as a command needs: the fields a filter or a sort reads during the pass, whole records
/// only for those printed or changed. Writers copy untouched records' bytes as they are.
struct JSONStoreFile {
  /// One record: `"<id>": { ... }`, from the key's opening quote to the value's last byte.
  struct Entry {
    var keyStart: Int
    var end: Int
  }

  let source: StoreFileBytes
  let path: String
  let location: String
  private(set) var entries: [Entry] = []
  /// The entry of each id.
  private var ids = IDTable()
  /// Offsets of the top-level braces.
  private(set) var openBrace = 0
  private(set) var closeBrace = 0

  /// What the checking pass hands on for each record: its entry index, id, the record with only
  /// the kept keys (nil when none were asked for), and its value's bytes. The first error it
  /// throws ends the visits; the pass still checks the rest of the file, and the error is thrown
  /// after the file's own (a syntax error, an id given twice).
  typealias Visitor = (_ index: Int, _ id: String, _ partial: JSONValue?, _ value: UnsafeBufferPointer<UInt8>) throws
    -> Void

  /// Checks and indexes the file; with `keeping`, builds each record's kept keys in the same
  /// pass and hands them to `visit`.
  init(
    source: StoreFileBytes, path: String, location: String, keeping keys: Keys? = nil, visit: Visitor? = nil
  ) throws {
    self.source = source
    self.path = path
    self.location = location
    var scanner = StoreFileScanner(source: source, keeping: keys, visit: visit)
    do {
      try scanner.run()
    } catch let failure as StoreFileScanner.Failure {
      switch failure {
      case .syntax(let error):
        throw StoreError.corruptFile(path: path, line: error.line, column: error.column, message: error.message)
      case .duplicate(let first, let second):
        // Either record could be the one the user meant: no command picks one, and nothing
        // rewrites the file until it is fixed by hand.
        let a = try source.lineColumn(at: scanner.entries[first].keyStart)
        let b = try source.lineColumn(at: second)
        throw StoreError.duplicateStoredID(
          path: path, id: try source.id(of: scanner.entries[first]), firstLine: a.line, firstColumn: a.column,
          line: b.line, column: b.column)
      }
    }
    entries = scanner.entries
    ids = scanner.ids
    openBrace = scanner.open
    closeBrace = scanner.close
  }

  /// The file's bytes held in memory (a file to import), checked and indexed.
  init(bytes: [UInt8], path: String, location: String) throws {
    try self.init(source: StoreFileBytes(bytes: bytes), path: path, location: location)
  }

  var count: Int { entries.count }

  /// Top-level keys to build, as bytes; every other key's value is skipped. The record's own
  /// `id`, `created_at` and `updated_at` are built (and checked) only when named: a record that
  /// is returned is built whole, and checked then.
  struct Keys {
    let names: Set<String>
    let wanted: [[UInt8]]
    init(_ keys: Set<String>) {
      names = keys
      wanted = keys.map { Array($0.utf8) }
    }
  }

  /// Calls `body` with the id and value bytes of each entry in `indices`, read through one
  /// window: in file order each window read serves many entries; out of order, each entry is
  /// read alone.
  func forEachEntry(
    _ indices: some Sequence<Int>,
    _ body: (_ index: Int, _ id: String, _ value: UnsafeBufferPointer<UInt8>) throws -> Void
  ) throws {
    var window = StoreFileWindow(source: source)
    var last: Int?
    for i in indices {
      let entry = entries[i]
      // Reading on pays when the next entries follow closely; a sorted order jumps about.
      let near = last.map { i > $0 && entry.keyStart - entries[$0].end < StoreFileWindow.size / 4 } ?? false
      try window.load(entry.keyStart..<entry.end, ahead: near)
      last = i
      try window.withEntry(entry) { id, value in try body(i, id, value) }
    }
  }

  /// The whole record at an entry.
  func record(_ i: Int) throws -> Record {
    var found: Record?
    try forEachEntry(CollectionOfOne(i)) { _, id, value in found = try makeRecord(value, id: id) }
    guard let found else { throw StoreError.io(FileSystemError.vanished(path)) }
    return found
  }

  /// The record built from an entry's value bytes.
  func makeRecord(_ bytes: UnsafeBufferPointer<UInt8>, id: String) throws -> Record {
    // The scan checked these bytes: parsing them again cannot fail.
    try Self.visitedRecord(id: id, partial: nil, value: bytes, location: location)
  }

  func makeRecord(_ value: JSONValue, id: String) throws -> Record {
    try Self.makeRecord(value, id: id, location: location)
  }

  static func makeRecord(_ value: JSONValue, id: String, location: String) throws -> Record {
    do {
      return try Record(json: value, key: id, defaultTimestamp: "")
    } catch {
      throw StoreError.invalidStoredRecord(location: location, id: id, message: error.description)
    }
  }

  /// The record a checking pass hands `visit`: its kept keys, or whole when it kept none.
  static func visitedRecord(
    id: String, partial: JSONValue?, value: UnsafeBufferPointer<UInt8>, location: String
  ) throws -> Record {
    if let partial { return try makeRecord(partial, id: id, location: location) }
    var parser = JSONParser(value)
    parser.index = 0
    return try makeRecord((try? parser.parseValue()) ?? .null, id: id, location: location)
  }

  /// Calls `body` with the record of each entry (of `only`, or all), built with the kept keys only.
  func forEachPartial(keeping keys: Keys, only indices: [Int]? = nil, _ body: (Record) throws -> Void) throws {
    func each(_ i: Int, _ id: String, _ value: UnsafeBufferPointer<UInt8>) throws {
      var parser = JSONParser(value)
      parser.index = 0
      let partial = value.first == UInt8(ascii: "{") ? try? parser.parseObject(keeping: keys.wanted) : nil
      try body(try Self.visitedRecord(id: id, partial: partial, value: value, location: location))
    }
    if let indices { try forEachEntry(indices, each) } else { try forEachEntry(entries.indices, each) }
  }

  /// Every record, whole (a migration reads them all).
  func records() throws -> [Record] {
    var records: [Record] = []
    try forEachEntry(entries.indices) { _, id, value in records.append(try makeRecord(value, id: id)) }
    return records
  }

  /// The value bytes of an entry, read back from the file.
  func text(_ i: Int) throws -> [UInt8] {
    var text: [UInt8] = []
    try forEachEntry(CollectionOfOne(i)) { _, _, value in text = Array(value) }
    return text
  }

  /// The entry index of an id.
  func position(of id: String) throws -> Int? {
    var failure: Error?
    let found = ids.position(of: id) { i in
      do { return try source.id(of: entries[i]) } catch {
        failure = error
        return ""
      }
    }
    if let failure { throw failure }
    return found
  }

  /// Writes the file with these records appended after the last one, the rest byte for byte
  /// as it was, copied from the file.
  func write(appending records: [Record], schema: ObjectSchema, to writer: AtomicFileWriter) throws {
    let keepUntil = entries.last?.end ?? (openBrace + 1)
    try copy(0..<keepUntil, to: writer)
    var added: [UInt8] = []
    for (i, record) in records.enumerated() {
      if i > 0 || !entries.isEmpty { added.append(UInt8(ascii: ",")) }
      JSONFileStore.encodeEntry(record, order: schema.fieldNames, to: &added)
    }
    added.append(UInt8(ascii: "\n"))
    try write(added, to: writer)
    try copy(closeBrace..<source.count, to: writer)
  }

  /// What a rewrite does with one stored record.
  enum Change {
    case keep
    case replace(Record)
    case drop
  }

  /// Writes the file in store shape: each record the change keeps, its bytes as they are (key
  /// and value), each replaced one encoded anew, in the file's order, then `appending`. One
  /// record to an indented line, as `JSONFileStore.encode` lays them out.
  func write(
    changing change: (Int) -> Change, appending added: [Record], schema: ObjectSchema, to writer: AtomicFileWriter
  ) throws {
    var out: [UInt8] = [UInt8(ascii: "{")]
    var written = 0
    var window = StoreFileWindow(source: source)
    func flush() throws {
      if out.count >= 1 << 20 {
        try write(out, to: writer)
        out.removeAll(keepingCapacity: true)
      }
    }
    for (i, entry) in entries.enumerated() {
      let what = change(i)
      if case .drop = what { continue }
      if written > 0 { out.append(UInt8(ascii: ",")) }
      written += 1
      switch what {
      case .replace(let record):
        JSONFileStore.encodeEntry(record, order: schema.fieldNames, to: &out)
      default:
        out.append(contentsOf: "\n  ".utf8)
        try window.load(entry.keyStart..<entry.end, ahead: true)
        window.append(entry.keyStart..<entry.end, to: &out)
      }
      try flush()
    }
    for record in added {
      if written > 0 { out.append(UInt8(ascii: ",")) }
      written += 1
      JSONFileStore.encodeEntry(record, order: schema.fieldNames, to: &out)
      try flush()
    }
    out.append(contentsOf: written == 0 ? "}\n".utf8 : "\n}\n".utf8)
    try write(out, to: writer)
  }

  /// Copies the file's bytes in `range` as they are, a window at a time.
  private func copy(_ range: Range<Int>, to writer: AtomicFileWriter) throws {
    var window = StoreFileWindow(source: source)
    var offset = range.lowerBound
    while offset < range.upperBound {
      let piece = offset..<min(range.upperBound, offset + StoreFileWindow.size)
      try window.load(piece, ahead: false)
      let local = (piece.lowerBound - window.base)..<(piece.upperBound - window.base)
      do throws(FileSystemError) { try writer.write(window.buffer, range: local) } catch { throw StoreError.io(error) }
      offset = piece.upperBound
    }
  }

  private func write(_ bytes: [UInt8], to writer: AtomicFileWriter) throws {
    do throws(FileSystemError) { try writer.write(bytes) } catch { throw StoreError.io(error) }
  }
}

/// A store file's bytes: an open file read at offsets, or bytes held in memory.
final class StoreFileBytes {
  let file: ReadOnlyFile?
  let memory: [UInt8]

  init(file: ReadOnlyFile) {
    self.file = file
    memory = []
  }

  init(bytes: [UInt8]) {
    file = nil
    memory = bytes
  }

  /// Where the bytes end: the file's size when opened, or where it was found to end.
  var count: Int { file?.size ?? memory.count }

  /// Fills `buffer[range]` from `offset` as far as the bytes go; returns how many it read.
  func read(at offset: Int, into buffer: inout [UInt8], _ range: Range<Int>) throws -> Int {
    guard let file else {
      let n = max(0, min(range.count, memory.count - offset))
      if n > 0 {
        buffer.replaceSubrange(range.lowerBound..<(range.lowerBound + n), with: memory[offset..<(offset + n)])
      }
      return n
    }
    do throws(FileSystemError) { return try file.read(at: offset, into: &buffer, range) } catch {
      throw StoreError.io(error)
    }
  }

  /// Every byte, read whole: for the error of a broken file only.
  func all() throws -> [UInt8] {
    guard let file else { return memory }
    do throws(FileSystemError) { return try file.readAll() } catch { throw StoreError.io(error) }
  }

  /// The id of an entry, read back from its key.
  func id(of entry: JSONStoreFile.Entry) throws -> String {
    var window = StoreFileWindow(source: self)
    try window.load(entry.keyStart..<entry.end, ahead: false)
    var id = ""
    try window.withEntry(entry) { key, _ in id = key }
    return id
  }

  /// The line and column of an offset, as `JSONParser.error(_:at:)` counts them over the whole
  /// text: read through from the start, on an error's path only.
  func lineColumn(at offset: Int) throws -> (line: Int, column: Int) {
    var state = LineCount()
    var buffer = [UInt8](repeating: 0, count: StoreFileWindow.size)
    var done = 0
    var previous: UInt8 = 0
    while done < offset {
      let n = try read(at: done, into: &buffer, 0..<min(buffer.count, offset - done))
      if n == 0 { break }
      state.add(buffer[0..<n])
      previous = buffer[n - 1]
      done += n
    }
    // The byte at the offset matters only after a continuation byte.
    var next: [UInt8] = [0]
    var hasNext = false
    if done > 0 && previous & 0xC0 == 0x80 && offset < count {
      hasNext = try read(at: offset, into: &next, 0..<1) == 1
    }
    return state.position(previous: done > 0 ? previous : nil, next: hasNext ? next[0] : nil)
  }
}
