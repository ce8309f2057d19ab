/// The bytes of a JSON store file and where each record stands in them.
///
/// One strict pass checks the whole file (every error as `file:line:column`, exactly as a full
/// parse would report it) and notes each record's id and byte range without building it. Records
/// are then built only as far as a command needs: the fields a filter or a sort reads for every
/// record, whole records only for those printed. An `add` appends to the bytes as they are.
struct JSONStoreFile {
  struct Entry {
    var id: String
    /// Where the id's opening quote stands.
    var keyStart: Int
    /// The record object's bytes, braces included.
    var range: Range<Int>
    /// The record with only the kept keys, when the scan was asked to keep some.
    var partial: JSONValue?
  }

  let bytes: [UInt8]
  let path: String
  let location: String
  private(set) var entries: [Entry] = []
  /// The entry of each id.
  private var ids = IDTable()
  /// Offsets of the top-level braces.
  private(set) var openBrace = 0
  private(set) var closeBrace = 0

  /// Checks and indexes the file; with `keeping`, also builds each record's kept keys in the
  /// same pass (see `partialRecord`).
  init(bytes: [UInt8], path: String, location: String, keeping keys: Keys? = nil) throws {
    self.bytes = bytes
    self.path = path
    self.location = location
    let scanned: Result<Scan, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
      var parser = JSONParser(buffer)
      do throws(JSONSyntaxError) {
        return .success(try Self.scan(&parser, keeping: keys))
      } catch {
        return .failure(error)
      }
    }
    switch scanned {
    case .success(let result):
      if let duplicate = result.duplicate {
        let (first, second) = duplicate
        // Either record could be the one the user meant: no command picks one, and nothing
        // rewrites the file until it is fixed by hand.
        let (firstLine, firstColumn, line, column) = bytes.withUnsafeBufferPointer { buffer in
          let parser = JSONParser(buffer)
          let a = parser.error("", at: result.entries[first].keyStart)
          let b = parser.error("", at: second)
          return (a.line, a.column, b.line, b.column)
        }
        throw StoreError.duplicateStoredID(
          path: path, id: result.entries[first].id, firstLine: firstLine, firstColumn: firstColumn, line: line,
          column: column)
      }
      entries = result.entries
      ids = result.ids
      openBrace = result.open
      closeBrace = result.close
    case .failure(let error):
      throw StoreError.corruptFile(path: path, line: error.line, column: error.column, message: error.message)
    }
  }

  private struct Scan {
    var entries: [Entry]
    var ids: IDTable
    var open: Int
    var close: Int
    /// The first id given twice: the entry of its first occurrence, and the offset of the
    /// second one's key.
    var duplicate: (first: Int, second: Int)?
  }

  private static func scan(_ parser: inout JSONParser, keeping keys: Keys?) throws(JSONSyntaxError) -> Scan {
    parser.skipWhitespace()
    guard parser.index < parser.bytes.count else { throw parser.error("the text is empty; expected a JSON value") }
    guard parser.bytes[parser.index] == UInt8(ascii: "{") else {
      let start = parser.index
      try parser.skipValue()
      parser.skipWhitespace()
      if parser.index < parser.bytes.count {
        throw parser.error("unexpected \(parser.describe(parser.bytes[parser.index])) after the JSON value")
      }
      // A valid document, but not a map of records.
      let kind = (try? JSONReader.parse(UnsafeBufferPointer(rebasing: parser.bytes[start...])))?.kindName ?? "a value"
      throw JSONSyntaxError(line: 1, column: 1, message: "expected an object of records keyed by id, found \(kind)")
    }
    let open = parser.index
    try parser.enter()
    parser.index += 1
    var entries: [Entry] = []
    // Pretty-printed records run to a few hundred bytes each.
    var ids = IDTable(expected: parser.bytes.count / 256)
    var duplicate: (first: Int, second: Int)?
    parser.skipWhitespace()
    if parser.index < parser.bytes.count && parser.bytes[parser.index] == UInt8(ascii: "}") {
      let close = parser.index
      parser.index += 1
      try finish(&parser)
      return Scan(entries: [], ids: ids, open: open, close: close)
    }
    while true {
      parser.skipWhitespace()
      guard parser.index < parser.bytes.count else { throw parser.error("unexpected end of text inside an object") }
      guard parser.bytes[parser.index] == UInt8(ascii: "\"") else {
        throw parser.error("unexpected \(parser.describe(parser.bytes[parser.index])); expected a string key")
      }
      let keyStart = parser.index
      let key = try parser.parseString()
      parser.skipWhitespace()
      guard parser.index < parser.bytes.count else { throw parser.error("unexpected end of text inside an object") }
      guard parser.bytes[parser.index] == UInt8(ascii: ":") else {
        throw parser.error("unexpected \(parser.describe(parser.bytes[parser.index])); expected ':' after the key")
      }
      parser.index += 1
      parser.skipWhitespace()
      let start = parser.index
      var partial: JSONValue?
      if let keys, !keys.wanted.isEmpty, start < parser.bytes.count, parser.bytes[start] == UInt8(ascii: "{") {
        partial = try parser.parseObject(keeping: keys.wanted)
      } else {
        try parser.skipValue()
      }
      // An id given twice makes the file broken: the rest is still checked, so that a syntax
      // error further on is reported first, as for any other file.
      if let existing = ids.insert(key, at: entries.count, idAt: { entries[$0].id }) {
        if duplicate == nil { duplicate = (existing, keyStart) }
      } else {
        entries.append(Entry(id: key, keyStart: keyStart, range: start..<parser.index, partial: partial))
      }
      parser.skipWhitespace()
      guard parser.index < parser.bytes.count else { throw parser.error("unexpected end of text inside an object") }
      switch parser.bytes[parser.index] {
      case UInt8(ascii: ","): parser.index += 1
      case UInt8(ascii: "}"):
        let close = parser.index
        parser.index += 1
        try finish(&parser)
        return Scan(entries: entries, ids: ids, open: open, close: close, duplicate: duplicate)
      default: throw parser.error("unexpected \(parser.describe(parser.bytes[parser.index])); expected ',' or '}'")
      }
    }
  }

  private static func finish(_ parser: inout JSONParser) throws(JSONSyntaxError) {
    parser.skipWhitespace()
    if parser.index < parser.bytes.count {
      throw parser.error("unexpected \(parser.describe(parser.bytes[parser.index])) after the JSON value")
    }
  }

  var count: Int { entries.count }

  /// Top-level keys to build, as bytes; every other key's value is skipped. The record's own
  /// `id`, `created_at` and `updated_at` are built (and checked) only when named: a record that
  /// is returned is built whole, and checked then.
  struct Keys {
    let wanted: [[UInt8]]
    init(_ keys: Set<String>) {
      wanted = keys.map { Array($0.utf8) }
    }
  }

  /// The whole record at an entry.
  func record(_ i: Int) throws -> Record {
    let entry = entries[i]
    let value: JSONValue = bytes.withUnsafeBufferPointer { buffer in
      var parser = JSONParser(UnsafeBufferPointer(rebasing: buffer[entry.range]))
      // The scan checked these bytes: parsing them again cannot fail.
      return (try? parser.parseValue()) ?? .null
    }
    return try makeRecord(value, id: entry.id)
  }

  /// The record at an entry with only the keys the scan kept (the whole record when it kept none).
  func partialRecord(_ i: Int) throws -> Record {
    guard let partial = entries[i].partial else { return try record(i) }
    return try makeRecord(partial, id: entries[i].id)
  }

  private func makeRecord(_ value: JSONValue, id: String) throws -> Record {
    do {
      return try Record(json: value, key: id, defaultTimestamp: "")
    } catch {
      throw StoreError.invalidStoredRecord(location: location, id: id, message: error.description)
    }
  }

  /// Every record, whole.
  func records() throws -> [Record] {
    try entries.indices.map { try record($0) }
  }

  /// The entry index of an id.
  func position(of id: String) -> Int? {
    ids.position(of: id) { entries[$0].id }
  }

  /// Writes the file with these records appended after the last one, the rest byte for byte
  /// as it was, straight from the bytes read.
  func write(appending records: [Record], schema: ObjectSchema, to writer: AtomicFileWriter) throws(FileSystemError) {
    let keepUntil = entries.last?.range.upperBound ?? (openBrace + 1)
    try writer.write(bytes, range: 0..<keepUntil)
    var added: [UInt8] = []
    for (i, record) in records.enumerated() {
      if i > 0 || !entries.isEmpty { added.append(UInt8(ascii: ",")) }
      JSONFileStore.encodeEntry(record, order: schema.fieldNames, to: &added)
    }
    added.append(UInt8(ascii: "\n"))
    try writer.write(added)
    try writer.write(bytes, range: closeBrace..<bytes.count)
  }
}
