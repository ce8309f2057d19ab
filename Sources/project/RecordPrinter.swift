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
  /// that a long list is never held whole as text; a table is laid out from its first 100 rows
  /// (`TableStream`) and streams after them.
  func write(
    as format: OutputFormat, records: ((Record) throws -> Void) throws -> Void, output: @escaping ([UInt8]) -> Void
  ) throws {
    var sink = Sink(printer: self, format: format, output: output)
    let columns = self.columns
    try records { record in
      if format == .table { return sink.tableRow(record) }
      sink.item { out in
        switch format {
        case .json: JSONWriter.write(.object(object(record)), to: &out, style: .pretty, indent: 1)
        case .ndjson: JSONWriter.write(.object(object(record)), to: &out, style: .compact, indent: 0)
        case .yaml: out.append(contentsOf: YAMLText.item(.object(object(record))).utf8)
        // The codec export and import use: `list -o csv | import --format csv` round-trips.
        case .csv: out.append(contentsOf: CSVCodec.row(record, columns: columns, schema: schema).utf8)
        case .table: break
        }
      }
    }
    sink.finish()
  }

  /// Whether `writeStored` can write this output: whole records as JSON, NDJSON or CSV.
  func writesStoredText(_ format: OutputFormat) -> Bool {
    fields == nil && (format == .json || format == .ndjson || format == .csv)
  }

  /// Writes `-o json`, `-o ndjson` or `-o csv` from rows as a `RawRowStreaming` store hands them
  /// out, from the stored text (`RecordText`, `CSVRowText`): the same bytes `write` makes from
  /// records.
  func writeStored(
    as format: OutputFormat, rows: (RawRowBody) throws -> Void, output: @escaping ([UInt8]) -> Void
  ) throws {
    precondition(writesStoredText(format))
    var sink = Sink(printer: self, format: format, output: output)
    if format == .csv {
      let csv = CSVRowText(schema: schema)
      try rows { id, data, createdAt, updatedAt in
        sink.item { out in csv.write(id: id, data: data, createdAt: createdAt, updatedAt: updatedAt, to: &out) }
      }
      return sink.finish()
    }
    let text = RecordText(fieldOrder: fieldOrder)
    let pretty = format == .json
    try rows { id, data, createdAt, updatedAt in
      sink.item { out in
        text.write(
          id: id, data: data, createdAt: createdAt, updatedAt: updatedAt, style: pretty ? .pretty : .compact,
          indent: pretty ? 1 : 0, to: &out)
      }
    }
    sink.finish()
  }

  /// The text between and around the items of one output, handed on about 64 KiB at a time.
  struct Sink {
    let format: OutputFormat
    let output: ([UInt8]) -> Void
    var table: TableStream
    var out: [UInt8] = []
    var count = 0

    init(printer: RecordPrinter, format: OutputFormat, output: @escaping ([UInt8]) -> Void) {
      self.format = format
      self.output = output
      table = TableStream(printer: printer)
      out.reserveCapacity(1 << 17)
      if format == .csv { out.append(contentsOf: CSVCodec.row(printer.columns.map(\.description)).utf8) }
    }

    /// One record, written by `body` between the separators its format needs.
    mutating func item(_ body: (inout [UInt8]) -> Void) {
      // As JSONWriter writes a pretty array: one item per line, indented one level.
      if format == .json { out.append(contentsOf: (count == 0 ? "[\n  " : ",\n  ").utf8) }
      body(&out)
      if format == .ndjson { out.append(0x0A) }
      counted()
    }

    mutating func tableRow(_ record: Record) {
      table.add(record, to: &out)
      counted()
    }

    mutating func counted() {
      count += 1
      if out.count >= 1 << 16 {
        output(out)
        out.removeAll(keepingCapacity: true)
      }
    }

    mutating func finish() {
      switch format {
      case .json: out.append(contentsOf: (count == 0 ? "[]\n" : "\n]\n").utf8)
      case .yaml where count == 0: out.append(contentsOf: "[]\n".utf8)
      case .table: table.finish(to: &out)
      default: break
      }
      output(out)
    }
  }

  /// A value as one cell: strings as they are, nested values as compact JSON, null as empty.
  func cellText(_ value: JSONValue?) -> String {
    switch value {
    case nil, .null?: ""
    case .string(let s)?: s
    case let other?: JSONWriter.string(other)
    }
  }
}
