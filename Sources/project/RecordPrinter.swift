import ProjectCore

/// Renders records as a table, JSON, NDJSON, YAML or CSV. `get` and `list` share it.
struct RecordPrinter {
  let schema: ObjectSchema
  /// The fields to show; nil for whole records.
  let fields: [FieldPath]?
  let terminalWidth: Int?
  let fieldOrder: [String]

  init(schema: ObjectSchema, fields: [FieldPath]?, terminalWidth: Int?) {
    self.schema = schema
    self.fields = fields
    self.terminalWidth = terminalWidth
    fieldOrder = schema.fieldNames
  }

  /// The logical record, or only the chosen fields, nested as in the record.
  func object(_ record: Record) -> JSONObject {
    guard let fields else { return record.orderedJSON(fieldOrder: fieldOrder) }
    var object = JSONObject()
    for path in fields {
      if let value = record.value(at: path) { _ = object.set(value, at: path) }
    }
    return object
  }

  var columns: [FieldPath] {
    fields
      ?? ([FieldPath(["id"])] + schema.fieldNames.map { FieldPath([$0]) } + [
        FieldPath(["created_at"]), FieldPath(["updated_at"]),
      ])
  }

  func render(_ records: [Record], as format: OutputFormat) -> [UInt8] {
    var out: [UInt8] = []
    // Records from an array: nothing in here throws.
    try? write(
      as: format, records: { each in for record in records { try each(record) } },
      output: { out.append(contentsOf: $0) })
    return out
  }

  /// Writes records as `records` produces them, handing `output` about 64 KiB at a time, so
  /// that a long list is never held whole as text; only a table, whose column widths need
  /// every row, is written at the end.
  func write(
    as format: OutputFormat, records: ((Record) throws -> Void) throws -> Void, output: @escaping ([UInt8]) -> Void
  ) throws {
    var out: [UInt8] = []
    out.reserveCapacity(1 << 17)
    var count = 0
    var rows: [Record] = []
    let columns = self.columns
    if format == .csv {
      out.append(contentsOf: CSVCodec.row(columns.map(\.description)).utf8)
    }
    try records { record in
      switch format {
      case .json:
        // As JSONWriter writes a pretty array: one item per line, indented one level.
        out.append(contentsOf: (count == 0 ? "[\n  " : ",\n  ").utf8)
        JSONWriter.write(.object(object(record)), to: &out, style: .pretty, indent: 1)
      case .ndjson:
        JSONWriter.write(.object(object(record)), to: &out, style: .compact, indent: 0)
        out.append(0x0A)
      case .yaml:
        out.append(contentsOf: YAMLText.item(.object(object(record))).utf8)
      case .csv:
        // The codec export and import use: `list -o csv | import --format csv` round-trips.
        out.append(contentsOf: CSVCodec.row(record, columns: columns, schema: schema).utf8)
      case .table:
        rows.append(record)
      }
      count += 1
      if out.count >= 1 << 16 {
        output(out)
        out.removeAll(keepingCapacity: true)
      }
    }
    switch format {
    case .json: out.append(contentsOf: (count == 0 ? "[]\n" : "\n]\n").utf8)
    case .yaml where count == 0: out.append(contentsOf: "[]\n".utf8)
    case .table: out.append(contentsOf: table(rows).utf8)
    default: break
    }
    output(out)
  }

  /// A value as one cell: strings as they are, nested values as compact JSON, null as empty.
  func cellText(_ value: JSONValue?) -> String {
    switch value {
    case nil, .null?: ""
    case .string(let s)?: s
    case let other?: JSONWriter.string(other)
    }
  }

  /// Aligned columns. On a terminal (or with `COLUMNS`) the table fits the width: the widest
  /// columns shrink first, down to 8 cells, then columns that still do not fit are left off
  /// from the right. Widths count terminal cells: wide CJK and emoji take two, accents none.
  func table(_ records: [Record]) -> String {
    var columns = self.columns
    if fields == nil { columns.removeAll { $0.description == "updated_at" } }
    var header = columns.map { $0.description.uppercased() }
    var rows = records.map { record in
      columns.map { path in TerminalText.escapingControls(cellText(record.value(at: path))) }
    }
    var widths = header.map(TerminalText.width)
    for row in rows {
      for (i, cell) in row.enumerated() { widths[i] = max(widths[i], TerminalText.width(cell)) }
    }
    // The id column is never cut: a cut UUIDv7 looks like every other one of the same moment.
    var keep = columns.map { $0.description == "id" }
    if let terminalWidth {
      func total() -> Int { widths.reduce(0, +) + 2 * (widths.count - 1) }
      while total() > terminalWidth,
        let widest = widths.indices.filter({ !keep[$0] }).max(by: { widths[$0] < widths[$1] }), widths[widest] > 8
      {
        widths[widest] -= 1
      }
      // Then columns are left off from the right, except the id column.
      while total() > terminalWidth, let last = widths.indices.last(where: { !keep[$0] }), widths.count > 1 {
        widths.remove(at: last)
        header.remove(at: last)
        keep.remove(at: last)
        for i in rows.indices { rows[i].remove(at: last) }
      }
      // A lone column that still does not fit is cut, unless it is the id: the terminal wraps it.
      if total() > terminalWidth && !keep[0] { widths[0] = max(1, terminalWidth) }
    }
    func line(_ cells: [String]) -> String {
      var parts: [String] = []
      for (i, cell) in cells.enumerated() {
        var text = cell
        if TerminalText.width(text) > widths[i] { text = TerminalText.truncate(text, to: widths[i] - 1) + "…" }
        if i < cells.count - 1 { text += String(repeating: " ", count: max(0, widths[i] - TerminalText.width(text))) }
        parts.append(text)
      }
      return parts.joined(separator: "  ")
    }
    var lines = [line(header)]
    lines.append(contentsOf: rows.map(line))
    return lines.joined(separator: "\n") + "\n"
  }

}
