/// CSV by RFC 4180: the one codec behind `list -o csv`, `export` to CSV and `import` from CSV.
///
/// Written: CRLF after every row (as the sqlite3 shell and Python's csv module write), a cell
/// quoted when it holds a comma, a quote, CR or LF, quotes doubled, an empty string as `""`.
/// Values: a missing one is an empty cell, null an unquoted `null` (the string "null" is quoted),
/// text fields (string, enum, date, datetime, and paths the schema does not type) as their text,
/// every other value as compact JSON text.
///
/// Read: CRLF and LF alike (a CR inside a quoted cell is kept), a UTF-8 byte order mark before
/// the header skipped. A quoted empty cell is an empty string; an unquoted empty cell is a
/// missing value.
public enum CSVCodec {
  public struct Cell: Equatable {
    public var text: String
    public var quoted: Bool
  }

  /// One record as read: its cells, the line it starts on, and what is wrong with its syntax.
  public struct Row {
    public var cells: [Cell]
    public var line: Int
    public var problem: String?
  }

  public static let lineEnd = "\r\n"

  public static func encode(_ text: String?, alwaysQuote: Bool = false) -> String {
    guard var text else { return "" }
    var out: [UInt8] = []
    text.withUTF8 { append($0, alwaysQuote: alwaysQuote, to: &out) }
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends the UTF-8 text of one cell as `encode` writes it.
  public static func append(_ text: UnsafeBufferPointer<UInt8>, alwaysQuote: Bool = false, to out: inout [UInt8]) {
    if text.isEmpty { return out.append(contentsOf: [0x22, 0x22]) }
    let needsQuotes = alwaysQuote || text.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    guard needsQuotes else { return out.append(contentsOf: text) }
    out.append(0x22)
    for byte in text {
      out.append(byte)
      if byte == 0x22 { out.append(0x22) }
    }
    out.append(0x22)
  }

  /// Whether a string value of a field of `type` is written as its text (nil: a path the schema
  /// does not type); otherwise, as every other value, as compact JSON text.
  public static func writesText(_ type: FieldType?) -> Bool {
    switch type {
    case nil, .string?, .enumeration?, .date?, .datetime?: true
    default: false
    }
  }

  /// A row of text cells (a header), with its line end.
  public static func row(_ texts: [String]) -> String {
    texts.map { encode($0) }.joined(separator: ",") + lineEnd
  }

  /// One value as a cell, typed by its field's type (nil: not typed by the schema).
  public static func cell(_ value: JSONValue?, type: FieldType?) -> String {
    switch value {
    case nil: return ""
    case .null?: return "null"
    case .string(let s)? where writesText(type): return encode(s, alwaysQuote: s == "null")
    case let value?: return encode(JSONWriter.string(value))
    }
  }

  /// The cells of `columns` for one record, with its line end.
  public static func row(_ record: Record, columns: [FieldPath], schema: ObjectSchema) -> String {
    columns.map { cell(record.value(at: $0), type: schema.spec(at: $0)?.type) }.joined(separator: ",") + lineEnd
  }

  /// Reads the next record (one or more physical lines); nil at the end. A syntax error inside
  /// the record is its `problem`; a quoted cell still open at the end of the input is an error
  /// naming the file.
  public static func nextRow(_ reader: LineReader) throws -> Row? {
    reader.keepsCarriageReturn = true
    guard let line = try reader.nextLine() else { return nil }
    let firstLine = reader.lineNumber
    var bytes = Array(line)
    if firstLine == 1 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    while true {
      // The line break (CRLF or LF) ends the record only outside quotes.
      let end = bytes.last == 0x0D ? bytes.count - 1 : bytes.count
      do {
        if let cells = try parse(bytes[..<end]) { return Row(cells: cells, line: firstLine) }
      } catch {
        return Row(cells: [], line: firstLine, problem: error.message)
      }
      guard let more = try reader.nextLine() else {
        throw TransferError("\(reader.name):\(firstLine): a quoted CSV field is not closed")
      }
      bytes.append(0x0A)
      bytes.append(contentsOf: more)
    }
  }

  /// Splits one record; nil when a quoted field runs past the end of the bytes.
  static func parse(_ bytes: ArraySlice<UInt8>) throws(TransferError) -> [Cell]? {
    var cells: [Cell] = []
    var i = bytes.startIndex
    var field: [UInt8] = []
    var quoted = false
    while true {
      field.removeAll(keepingCapacity: true)
      quoted = false
      if i < bytes.endIndex && bytes[i] == 0x22 {
        quoted = true
        i += 1
        while true {
          guard i < bytes.endIndex else { return nil }
          if bytes[i] == 0x22 {
            if i + 1 < bytes.endIndex && bytes[i + 1] == 0x22 {
              field.append(0x22)
              i += 2
              continue
            }
            i += 1
            break
          }
          field.append(bytes[i])
          i += 1
        }
        if i < bytes.endIndex && bytes[i] != 0x2C {
          throw TransferError("unexpected text after the closing quote of cell \(cells.count + 1)")
        }
      } else {
        while i < bytes.endIndex && bytes[i] != 0x2C {
          field.append(bytes[i])
          i += 1
        }
      }
      guard let text = field.withUnsafeBufferPointer(UTF8Text.string) else {
        throw TransferError("invalid UTF-8 in cell \(cells.count + 1)")
      }
      cells.append(Cell(text: text, quoted: quoted))
      if i >= bytes.endIndex { return cells }
      i += 1
    }
  }
}
