/// Rows ready to insert into a database table: each row's id, `data` JSON, created_at and updated_at, written one
/// after another into one buffer. A streaming import builds them on its reading thread, so
/// the records behind them are freed where they were made, and the inserting thread frees
/// one buffer per batch.
/// SQLite binds the columns in place; PostgreSQL frames them for `COPY ... (FORMAT binary)`.
public struct PreparedRows: BulkRows, Equatable, CustomStringConvertible {
  public typealias Encoder = RowEncoder

  public internal(set) var text: [UInt8] = []
  /// Where each row's four columns end in `text`; each starts where the one before ends.
  public internal(set) var ends: [Int] = []

  public init() {}

  public init(_ records: [Record]) {
    for record in records { append(record) }
  }

  public var count: Int { ends.count / 4 }
  public var isEmpty: Bool { ends.isEmpty }

  public mutating func append(_ record: Record) {
    text.append(contentsOf: record.id.utf8)
    ends.append(text.count)
    JSONWriter.write(.object(record.fields), to: &text, style: .compact, indent: 0)
    ends.append(text.count)
    text.append(contentsOf: record.createdAt.utf8)
    ends.append(text.count)
    text.append(contentsOf: record.updatedAt.utf8)
    ends.append(text.count)
  }

  /// Appends row `row` of `other` as it is.
  public mutating func append(copying other: PreparedRows, row: Int) {
    for column in 0..<4 {
      text.append(contentsOf: other.text[other.range(row, column)])
      ends.append(text.count)
    }
  }

  /// Column `column` (0 id, 1 data, 2 created_at, 3 updated_at) of row `row`.
  public func range(_ row: Int, _ column: Int) -> Range<Int> {
    let i = row * 4 + column
    return (i == 0 ? 0 : ends[i - 1])..<ends[i]
  }

  public func string(_ row: Int, _ column: Int) -> String {
    String(decoding: text[range(row, column)], as: UTF8.self)
  }

  /// Each row's four columns, a row to a line (for messages).
  public var description: String {
    (0..<count).map { row in (0..<4).map { string(row, $0) }.joined(separator: " | ") }.joined(separator: "\n")
  }

  /// The record of a row, built again from its text (for error messages).
  public func record(_ row: Int) -> Record {
    let fields = (try? JSONReader.parse(text[range(row, 1)]))?.objectValue ?? JSONObject()
    return Record(id: string(row, 0), fields: fields, createdAt: string(row, 2), updatedAt: string(row, 3))
  }
}
