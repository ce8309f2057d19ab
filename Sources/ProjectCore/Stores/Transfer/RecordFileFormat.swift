/// The file formats records move in: the JSON store shape (or a JSON array of records),
/// newline-delimited JSON, and CSV typed by the schema.
public enum RecordFileFormat: String, CaseIterable, Sendable {
  case json, ndjson, csv

  /// The format a file name suggests, if any.
  public static func guess(path: String) -> RecordFileFormat? {
    let name = Path.lastComponent(of: path).lowercased()
    if name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl") { return .ndjson }
    if name.hasSuffix(".csv") { return .csv }
    if name.hasSuffix(".json") { return .json }
    return nil
  }
}

/// Why records could not be read from a file, or could not be moved.
public struct TransferError: Error, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// CSV by RFC 4180, as the exporter writes it and the importer reads it.
///
/// A quoted empty cell is an empty string; an unquoted empty cell is a missing value.
public enum CSVCodec {
  public struct Cell: Equatable {
    public var text: String
    public var quoted: Bool
  }

  public static func encode(_ text: String?, alwaysQuote: Bool = false) -> String {
    guard let text else { return "" }
    if text.isEmpty { return "\"\"" }
    let needsQuotes = alwaysQuote || text.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    guard needsQuotes else { return text }
    var out = "\""
    for character in text {
      if character == "\"" { out += "\"\"" } else { out.append(character) }
    }
    return out + "\""
  }

  /// Reads the next record (one or more physical lines); nil at the end.
  public static func nextRow(_ reader: LineReader) throws -> (row: [Cell], line: Int)? {
    guard var line = try reader.nextLine() else { return nil }
    let firstLine = reader.lineNumber
    var bytes = Array(line)
    while true {
      if let row = try parse(bytes, line: firstLine) { return (row, firstLine) }
      guard let more = try reader.nextLine() else {
        throw TransferError("\(reader.name):\(firstLine): a quoted CSV field is not closed")
      }
      line = more
      bytes.append(0x0A)
      bytes.append(contentsOf: line)
    }
  }

  /// Splits one record; nil when a quoted field runs past the end of the bytes.
  static func parse(_ bytes: [UInt8], line: Int) throws -> [Cell]? {
    var cells: [Cell] = []
    var i = 0
    var field: [UInt8] = []
    var quoted = false
    while true {
      field.removeAll(keepingCapacity: true)
      quoted = false
      if i < bytes.count && bytes[i] == 0x22 {
        quoted = true
        i += 1
        while true {
          guard i < bytes.count else { return nil }
          if bytes[i] == 0x22 {
            if i + 1 < bytes.count && bytes[i + 1] == 0x22 {
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
        if i < bytes.count && bytes[i] != 0x2C {
          throw TransferError("line \(line): unexpected text after a closing quote in a CSV field")
        }
      } else {
        while i < bytes.count && bytes[i] != 0x2C {
          field.append(bytes[i])
          i += 1
        }
      }
      guard let text = field.withUnsafeBufferPointer(UTF8Text.string) else {
        throw TransferError("line \(line): invalid UTF-8 in a CSV field")
      }
      cells.append(Cell(text: text, quoted: quoted))
      if i >= bytes.count { return cells }
      i += 1
    }
  }
}
