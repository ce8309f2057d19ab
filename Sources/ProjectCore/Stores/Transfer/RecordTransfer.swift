/// Moves records between a file and a store: `import` (file → store) and `export`
/// (SQLite → file). Every record is validated before anything is written, and every write is
/// one transaction (SQLite) or one locked atomic rewrite (JSON file).
public struct RecordTransfer {
  public let service: RecordService
  /// Called with the number of records handled so far, now and then.
  public var progress: ((Int) -> Void)?

  public init(service: RecordService, progress: ((Int) -> Void)? = nil) {
    self.service = service
    self.progress = progress
  }

  var definition: ServiceDefinition { service.definition }

  // MARK: Reading input

  /// Offered a record's text (and the id a store file files it under) before it is parsed:
  /// true when it took the record, which is then done with.
  public typealias TakeText = (_ text: UnsafeBufferPointer<UInt8>, _ key: String?) throws -> Bool

  /// Calls `body` with each record object of the input and a label for messages
  /// (`line 12`, `record 'abc'`), streaming NDJSON and CSV. When given, `take` sees each record's
  /// text first (an NDJSON line; a record of a store file, with the id it is filed under): when
  /// it returns true, the record is done with and `body` does not see it.
  public func readRecords(
    path: String, format requested: RecordFileFormat?, take: TakeText? = nil, rowIssues: RowIssues? = nil,
    _ body: (_ label: RecordLabel, _ key: String?, _ value: JSONValue) throws -> Void
  ) throws {
    let reader: LineReader
    do throws(FileSystemError) { reader = try LineReader(path: path) } catch { throw error }
    var format = requested ?? (path == "-" ? nil : RecordFileFormat.guess(path: path))
    if format == nil {
      // Sniff: NDJSON has a second line starting with '{'.
      let all = try reader.readAll()
      format = Self.sniff(all)
      return try readWhole(all, name: reader.name, format: format ?? .json, take: take, rowIssues: rowIssues, body)
    }
    switch format ?? .json {
    case .json:
      try readWhole(try reader.readAll(), name: reader.name, format: .json, take: take, body)
    case .ndjson:
      try readNDJSON(reader, take: take, body)
    case .csv:
      try readCSV(reader, rowIssues: rowIssues, body)
    }
  }

  /// Told about each CSV row that cannot become a record (its label and every problem), so that
  /// the import lists them all; without it, the first bad row is an error.
  public typealias RowIssues = (_ label: RecordLabel, _ problems: [String]) -> Void

  func readNDJSON(_ reader: LineReader, take: TakeText?, _ body: (RecordLabel, String?, JSONValue) throws -> Void)
    throws
  {
    while let line = try reader.nextLine() {
      guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
      if let take, try line.withUnsafeBufferPointer({ try take($0, nil) }) { continue }
      let value: JSONValue
      do { value = try JSONReader.parse(line) } catch {
        throw TransferError("\(reader.name):\(reader.lineNumber):\(error.column): \(error.message)")
      }
      try body(.line(reader.lineNumber), nil, value)
    }
  }

  /// The format of input that does not say it: a JSON array, a JSON object of records keyed
  /// by id, NDJSON, else CSV. One object on one line that holds a value other than an object
  /// is one NDJSON record: a store file's values are all records.
  static func sniff(_ bytes: [UInt8]) -> RecordFileFormat {
    guard let first = firstByte(bytes) else { return .json }
    if first == UInt8(ascii: "[") { return .json }
    if first == UInt8(ascii: "{") {
      guard case .object(let map)? = try? JSONReader.parse(bytes) else { return .ndjson }
      let last = bytes.lastIndex { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } ?? 0
      let oneLine = !bytes[..<last].contains(0x0A)
      if oneLine && map.contains(where: { $0.value.objectValue == nil }) { return .ndjson }
      return .json
    }
    return .csv
  }

  func readWhole(
    _ bytes: [UInt8], name: String, format: RecordFileFormat, take: TakeText? = nil, rowIssues: RowIssues? = nil,
    _ body: (RecordLabel, String?, JSONValue) throws -> Void
  ) throws {
    switch format {
    case .json:
      // A map of records keyed by id is read as a store file is, whoever reads it: an id given
      // twice is refused, never resolved by keeping one of the records.
      if Self.firstByte(bytes) == UInt8(ascii: "{") {
        return try readStoreFile(bytes, name: name, take: take ?? { _, _ in false }, body)
      }
      if let take, Self.firstByte(bytes) == UInt8(ascii: "[") {
        return try readArray(bytes, name: name, take: take, body)
      }
      let value: JSONValue
      do { value = try JSONReader.parse(bytes) } catch {
        throw TransferError("\(name):\(error.line):\(error.column): \(error.message)")
      }
      switch value {
      case .object(let map):
        for (key, entry) in map { try body(.key(key), key, entry) }
      case .array(let items):
        for (i, item) in items.enumerated() { try body(.position(i + 1), nil, item) }
      default:
        throw TransferError(
          "\(name): expected an object of records keyed by id, or an array of records, found \(value.kindName)")
      }
    case .ndjson:
      try readNDJSON(LineReader(bytes: bytes, name: name), take: take, body)
    case .csv:
      try readCSV(LineReader(bytes: bytes, name: name), rowIssues: rowIssues, body)
    }
  }

  /// The first byte that is not white space or a byte order mark.
  static func firstByte(_ bytes: [UInt8]) -> UInt8? {
    bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
  }

  /// A map of records keyed by id (a JSON store file), one record at a time instead of built
  /// whole: one strict pass checks the file and finds each record, in the order and with the
  /// rule for a key given twice that a full parse has, and reports the same errors.
  func readStoreFile(
    _ bytes: [UInt8], name: String, take: TakeText, _ body: (RecordLabel, String?, JSONValue) throws -> Void
  ) throws {
    let file: JSONStoreFile
    do {
      file = try JSONStoreFile(bytes: bytes, path: name, location: name)
    } catch StoreError.corruptFile(_, let line, let column, let message) {
      throw TransferError("\(name):\(line):\(column): \(message)")
    } catch StoreError.duplicateStoredID(_, let id, let firstLine, let firstColumn, let line, let column) {
      throw TransferError(
        StoreError.duplicateMessage(
          path: name, id: id, firstLine: firstLine, firstColumn: firstColumn, line: line, column: column))
    }
    try file.forEachEntry(file.entries.indices) { _, id, text in
      if try take(text, id) { return }
      try body(.key(id), id, try JSONReader.parse(buffer: text))
    }
  }

  /// An array of records, one at a time instead of built whole: the text is checked first as a
  /// full parse checks it (the same errors), then each element is handed on.
  func readArray(
    _ bytes: [UInt8], name: String, take: TakeText, _ body: (RecordLabel, String?, JSONValue) throws -> Void
  ) throws {
    try bytes.withUnsafeBufferPointer { all in
      var check = JSONParser(all)
      do throws(JSONSyntaxError) { try check.parseDocumentSkipping() } catch {
        throw TransferError("\(name):\(error.line):\(error.column): \(error.message)")
      }
      // Valid from here on: past '[', then element after element.
      var parser = JSONParser(all)
      parser.skipWhitespace()
      parser.index += 1
      var position = 0
      while true {
        parser.skipWhitespace()
        if all[parser.index] == UInt8(ascii: "]") { return }
        let start = parser.index
        try parser.skipValue()
        position += 1
        let text = UnsafeBufferPointer(rebasing: all[start..<parser.index])
        if try !take(text, nil) { try body(.position(position), nil, try JSONReader.parse(buffer: text)) }
        parser.skipWhitespace()
        if all[parser.index] == UInt8(ascii: ",") { parser.index += 1 }
      }
    }
  }

  /// CSV with a header row: `id`, field names, `created_at`, `updated_at`; cells typed by schema.
  /// A header that cannot be read is an error; a row that cannot is handed to `rowIssues` with
  /// every problem it has, and reading goes on. Every message names the file.
  func readCSV(_ reader: LineReader, rowIssues: RowIssues?, _ body: (RecordLabel, String?, JSONValue) throws -> Void)
    throws
  {
    let name = reader.name
    guard let header = try CSVCodec.nextRow(reader) else { return }
    if let problem = header.problem { throw TransferError("\(name):\(header.line): \(problem)") }
    let columns = header.cells.map(\.text)
    let known = Set(["id", "created_at", "updated_at"] + definition.schema.fieldNames)
    var seen: Set<String> = []
    for column in columns {
      if !known.contains(column) && !definition.schema.additional {
        throw TransferError(
          "\(name):1: unknown column '\(column)'"
            + (Suggestion.nearest(to: column, in: Array(known)).map { "; did you mean '\($0)'?" } ?? ""))
      }
      guard seen.insert(column).inserted else {
        throw TransferError("\(name):1: column '\(column)' is given twice")
      }
    }
    while let row = try CSVCodec.nextRow(reader) {
      let label = RecordLabel.row(file: name, line: row.line)
      var problems: [String] = []
      if let problem = row.problem {
        problems.append(problem)
      } else if row.cells.count == 1 && row.cells[0].text.isEmpty && !row.cells[0].quoted {
        continue
      } else if row.cells.count != columns.count {
        problems.append("expected \(columns.count) cells as in the header, found \(row.cells.count)")
      }
      var object = JSONObject()
      if problems.isEmpty {
        for (column, cell) in zip(columns, row.cells) {
          if cell.text.isEmpty && !cell.quoted { continue }
          if cell.text == "null" && !cell.quoted {
            object[column] = .null
            continue
          }
          do {
            object[column] = try csvValue(cell.text, spec: definition.schema.spec(for: column), column: column)
          } catch {
            problems.append(error.message)
          }
        }
      }
      if !problems.isEmpty {
        guard let rowIssues else { throw TransferError("\(label): \(problems.joined(separator: "; "))") }
        rowIssues(label, problems)
        continue
      }
      try body(label, nil, .object(object))
    }
  }

  func csvValue(_ text: String, spec: FieldSpec?, column: String) throws(TransferError) -> JSONValue {
    guard let spec else { return .string(text) }
    switch spec.type {
    case .array, .object, .any:
      do { return try JSONReader.parse(text) } catch {
        throw TransferError("\(column): expected JSON text, \(error.message)")
      }
    default:
      do { return try FieldValueParser.parse(text, spec: spec, path: FieldPath([column])) } catch {
        throw TransferError("\(error)")
      }
    }
  }

  // MARK: Import

  /// Where a record stands in its input, made into text only for a message.
  public enum RecordLabel: CustomStringConvertible, Sendable {
    case line(Int)
    case key(String)
    case position(Int)
    /// A CSV row: every CSV message names the file.
    case row(file: String, line: Int)

    public var description: String {
      switch self {
      case .line(let line): "line \(line)"
      case .row(let file, let line): "\(file):\(line)"
      case .key(let key): "record '\(key)'"
      case .position(let position): "record #\(position)"
      }
    }
  }

  public struct ImportIssue: CustomStringConvertible {
    public var label: String
    public var message: String
    public var description: String { "\(label): \(message)" }
  }

  public struct ImportResult {
    public var summary = WriteSummary()
    public var read = 0
    public var issues: [ImportIssue] = []
  }

  static func issues(_ label: RecordLabel, _ problems: [String]) -> [ImportIssue] {
    problems.map { ImportIssue(label: label.description, message: $0) }
  }

  /// Builds and validates one incoming record.
  func prepare(_ label: RecordLabel, _ key: String?, _ value: JSONValue, now: String, issues: inout [ImportIssue])
    -> Record?
  {
    var value = value
    if case .object(var object) = value, object["id"] == nil, key == nil {
      // A record without an id gets one, as `add` would give it.
      var fields = object
      fields["created_at"] = nil
      fields["updated_at"] = nil
      do {
        object["id"] = .string(try service.newID(for: fields))
      } catch let error as RecordService.InvalidRecords {
        for item in error.issues {
          issues.append(ImportIssue(label: label.description, message: item.issue.description))
        }
        return nil
      } catch {
        issues.append(ImportIssue(label: label.description, message: "\(error)"))
        return nil
      }
      value = .object(object)
    }
    let record: Record
    do {
      record = try Record(json: value, key: key, defaultTimestamp: now)
    } catch {
      issues.append(ImportIssue(label: label.description, message: error.description))
      return nil
    }
    let (validated, problems) = service.validated(record, checkTimestamps: false)
    if !problems.isEmpty {
      let recordLabel: String
      if case .key = label { recordLabel = label.description } else { recordLabel = "\(label) (id '\(record.id)')" }
      for problem in problems { issues.append(ImportIssue(label: recordLabel, message: problem.description)) }
    }
    return problems.isEmpty ? validated : nil
  }

  /// Imports every record of the file into the store, or none of them.
  ///
  /// Into SQLite, NDJSON and CSV stream through one transaction that rolls back when any record
  /// fails; into a JSON file, the records are applied in one locked atomic rewrite.
  public func importRecords(
    from path: String, format: RecordFileFormat?, into store: RecordStore, onConflict: ConflictPolicy, dryRun: Bool
  ) throws -> ImportResult {
    var result = ImportResult()
    let now = Timestamp.now()
    if path == definition.stores.json.path {
      // The JSON store file is read as the store reads it: not through a symlink that leads
      // nowhere or out of the data folder.
      try JSONFileStore(service: definition).checkPath()
    }
    // A CSV row that cannot become a record counts as read, with every problem it has.
    let rowIssues: RowIssues = { label, problems in
      result.read += 1
      result.issues += Self.issues(label, problems)
    }
    if dryRun {
      var records: [Record] = []
      try readRecords(path: path, format: format, rowIssues: rowIssues) { label, key, value in
        result.read += 1
        if let record = prepare(label, key, value, now: now, issues: &result.issues) { records.append(record) }
        progress?(result.read)
      }
      let existing = Set(try store.get(ids: records.map(\.id)).map { ByteString($0.id) })
      var seen: Set<ByteString> = []
      var written: [Record] = []
      var replacing: Set<ByteString> = []
      for record in records {
        let id = ByteString(record.id)
        if existing.contains(id) || !seen.insert(id).inserted {
          switch onConflict {
          case .fail:
            result.issues.append(
              ImportIssue(
                label: "record '\(record.id)'", message: "a record with this id already exists in \(store.location)"))
          case .skip: result.summary.skipped += 1
          case .overwrite:
            result.summary.updated += 1
            replacing.insert(id)
            written.append(record)
          }
        } else {
          result.summary.added += 1
          written.append(record)
        }
      }
      // Unique values, as the real run's store checks them: against each other and the rest.
      let unique = definition.uniqueFields
      if result.issues.isEmpty, !unique.isEmpty,
        let violation = UniqueCheck.firstViolation(
          fields: unique, incoming: written, existing: try store.list(.all), replacing: replacing,
          location: store.location)
      {
        throw violation
      }
      return result
    }
    if let loader = store as? any BulkLoading {
      return try importStreaming(from: path, format: format, into: loader, onConflict: onConflict, now: now)
    }
    var records: [Record] = []
    try readRecords(path: path, format: format, rowIssues: rowIssues) { label, key, value in
      result.read += 1
      if let record = prepare(label, key, value, now: now, issues: &result.issues) { records.append(record) }
      if result.read % 1000 == 0 { progress?(result.read) }
    }
    if !result.issues.isEmpty { throw ImportFailed(result: result) }
    result.summary = try store.insert(records, onConflict: onConflict)
    return result
  }

  /// What the reading thread of a streaming import tells the writing one.
  final class StreamingState: @unchecked Sendable {
    var read = 0
    var issues: [ImportIssue] = []
    var failure: Error?
  }

  /// Streams records into a bulk-loading store in one transaction. A worker thread reads, checks and encodes
  /// them in batches while this thread inserts; the queue between them is bounded, so memory
  /// stays flat. When any record fails, the transaction rolls back and every issue is listed.
  func importStreaming<Loader: BulkLoading>(
    from path: String, format: RecordFileFormat?, into loader: Loader, onConflict: ConflictPolicy, now: String
  ) throws -> ImportResult {
    let shared = StreamingState()
    let queue = BoundedQueue<Loader.Rows>(capacity: 4)
    let worker = WorkerThread {
      defer { queue.finish() }
      var batch = Loader.Rows()
      func flushIfFull() throws {
        if batch.count >= 1000 {
          guard queue.push(batch) else { throw CancellationError() }
          batch = Loader.Rows()
        }
      }
      // Lines the encoder declines, and every line after the first bad record (to list every
      // issue), take the general way.
      var encoder = Loader.Rows.Encoder(service: self.service, now: now)
      let take: TakeText? =
        encoder == nil
        ? nil
        : { text, key in
          guard shared.issues.isEmpty, encoder?.append(text, key: key, to: &batch) == true else { return false }
          shared.read += 1
          try flushIfFull()
          return true
        }
      do {
        let rowIssues: RowIssues = { label, problems in
          shared.read += 1
          shared.issues += Self.issues(label, problems)
        }
        try self.readRecords(path: path, format: format, take: take, rowIssues: rowIssues) { label, key, value in
          shared.read += 1
          guard let record = self.prepare(label, key, value, now: now, issues: &shared.issues) else { return }
          // After the first bad record, keep checking to list every issue, but stop encoding.
          guard shared.issues.isEmpty else { return }
          batch.append(record)
          try flushIfFull()
        }
        if !batch.isEmpty { queue.push(batch) }
      } catch is CancellationError {
      } catch {
        shared.failure = error
      }
    }
    var result = ImportResult()
    do {
      try loader.withBulkLoad(onConflict: onConflict) { insert in
        var inserted = 0
        while let batch = queue.pop() {
          let s = try insert(batch)
          result.summary.added += s.added
          result.summary.updated += s.updated
          result.summary.skipped += s.skipped
          inserted += batch.count
          progress?(inserted)
        }
        worker.join()
        if let failure = shared.failure { throw failure }
        result.read = shared.read
        result.issues = shared.issues
        if !result.issues.isEmpty { throw ImportFailed(result: result) }
      }
    } catch {
      queue.cancel()
      worker.join()
      throw error
    }
    return result
  }

  /// The row one record's text becomes on its way into a bulk-loading store (an NDJSON line,
  /// or with `key` a record of a store file filed under it): made the general way (parsed,
  /// built into a record, checked, written), or by the rows' encoder when `quick` is set. Nil when the text is
  /// not a valid record, or when the encoder declines it. Tests and the fuzzer hold the two
  /// ways to the same bytes.
  public func row<Rows: BulkRows>(line: UnsafeBufferPointer<UInt8>, key: String? = nil, now: String, quick: Bool)
    -> Rows?
  {
    var rows = Rows()
    if quick {
      guard var encoder = Rows.Encoder(service: service, now: now), encoder.append(line, key: key, to: &rows) else {
        return nil
      }
      return rows
    }
    guard let value = try? JSONReader.parse(buffer: line) else { return nil }
    var issues: [ImportIssue] = []
    guard let record = prepare(key.map(RecordLabel.key) ?? .line(1), key, value, now: now, issues: &issues) else {
      return nil
    }
    rows.append(record)
    return rows
  }

  /// Raised when any record fails: nothing was written, and every issue is listed.
  public struct ImportFailed: ProjectError {
    public var exitCode: Int32 { 1 }
    public var result: ImportResult
    public init(result: ImportResult) { self.result = result }
    public var description: String { describe(conclusion: "nothing imported") }

    /// Every issue (the first 100), then `<conclusion>: N of M records are invalid`.
    public func describe(conclusion: String) -> String {
      let shown = result.issues.prefix(100).map(\.description)
      var lines = shown
      if result.issues.count > shown.count {
        lines.append("... and \(result.issues.count - shown.count) more problems")
      }
      let bad = Set(result.issues.map(\.label)).count
      lines.append("\(conclusion): \(bad) of \(Plural.records(result.read)) \(bad == 1 ? "is" : "are") invalid")
      return lines.joined(separator: "\n")
    }
  }
}
