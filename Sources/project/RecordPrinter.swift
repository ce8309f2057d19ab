import ProjectCore

/// The output formats of `get` and `list`.
enum OutputFormat: String, CaseIterable {
  case table, json, ndjson, yaml, csv
}

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
    fields ?? ([FieldPath(["id"])] + schema.fieldNames.map { FieldPath([$0]) } + [FieldPath(["created_at"]), FieldPath(["updated_at"])])
  }

  func render(_ records: [Record], as format: OutputFormat) -> [UInt8] {
    var out: [UInt8] = []
    // Records from an array: nothing in here throws.
    try? write(as: format, records: { each in for record in records { try each(record) } }, output: { out.append(contentsOf: $0) })
    return out
  }

  /// Writes records as `records` produces them, handing `output` about 64 KiB at a time, so
  /// that a long list is never held whole as text; only a table, whose column widths need
  /// every row, is written at the end.
  func write(as format: OutputFormat, records: ((Record) throws -> Void) throws -> Void, output: @escaping ([UInt8]) -> Void) throws {
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

/// How many terminal cells text takes: East Asian wide and fullwidth characters and emoji two,
/// combining marks and zero-width characters none, the rest one.
enum TerminalText {
  static func width(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if v == 0x200B || (0xFE00...0xFE0F).contains(v) { return 0 }
    if scalar.properties.isEmojiPresentation { return 2 }
    switch v {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
      0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
      return 2
    default:
      return 1
    }
  }

  static func width(_ text: String) -> Int {
    var total = 0
    for scalar in text.unicodeScalars { total += width(scalar) }
    return total
  }

  /// Text with every control character made visible, so that a stored value cannot move the
  /// cursor, recolour or retitle the terminal: LF, CR and tab as `\n`, `\r`, `\t`, every other
  /// C0 control, DEL and every C1 control (U+0080–U+009F) as `\u00XX` — the escapes JSON and
  /// YAML output use. Everything else, backslashes included, is shown as it is.
  static func escapingControls(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      guard isControl(scalar) else {
        out.append(scalar)
        continue
      }
      switch scalar {
      case "\n": out.append(contentsOf: #"\n"#.unicodeScalars)
      case "\r": out.append(contentsOf: #"\r"#.unicodeScalars)
      case "\t": out.append(contentsOf: #"\t"#.unicodeScalars)
      default: out.append(contentsOf: escape(scalar).unicodeScalars)
      }
    }
    return String(out)
  }

  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
  }

  /// `\u00XX`, lowercase hex as JSONWriter writes it.
  static func escape(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16)
    return #"\u"# + String(repeating: "0", count: 4 - hex.count) + hex
  }

  /// The longest prefix of whole characters that fits in `cells`.
  static func truncate(_ text: String, to cells: Int) -> String {
    var result = ""
    var used = 0
    for character in text {
      let w = width(String(character))
      if used + w > cells { break }
      result.append(character)
      used += w
    }
    return result
  }
}

/// YAML text for JSON values: block style, strings quoted (as JSON strings, which YAML reads)
/// whenever the plain form would read back as something else.
enum YAMLText {
  static func item(_ value: JSONValue) -> String {
    render(value, indent: 0, inSequence: true)
  }

  static func render(_ value: JSONValue, indent: Int, inSequence: Bool) -> String {
    let pad = String(repeating: "  ", count: indent)
    switch value {
    case .object(let object) where !object.isEmpty:
      var text = ""
      for (i, (key, child)) in object.enumerated() {
        let prefix = inSequence ? (i == 0 ? pad + "- " : pad + "  ") : pad
        text += prefix + scalar(.string(key)) + ":" + nested(child, indent: indent + (inSequence ? 2 : 1))
      }
      return text
    case .array(let items) where !items.isEmpty:
      if inSequence {
        return pad + "- " + String(render(value, indent: indent + 1, inSequence: false).drop { $0 == " " })
      }
      return items.map { item -> String in
        switch item {
        case .object(let o) where !o.isEmpty: return render(item, indent: indent, inSequence: true)
        default: return pad + "-" + nested(item, indent: indent + 1)
        }
      }.joined()
    default:
      return (inSequence ? pad + "- " : pad) + scalar(value) + "\n"
    }
  }

  static func nested(_ value: JSONValue, indent: Int) -> String {
    switch value {
    case .object(let o) where !o.isEmpty: return "\n" + render(value, indent: indent, inSequence: false)
    case .array(let a) where !a.isEmpty: return "\n" + render(value, indent: indent, inSequence: false)
    default: return " " + scalar(value) + "\n"
    }
  }

  static func scalar(_ value: JSONValue) -> String {
    switch value {
    case .string(let s):
      // Plain only when no YAML reader, 1.1 or 1.2, could take it for anything but a string:
      // a letter first (no numbers, dates, 0x10, 1_000), then letters, digits and _-./, and
      // none of the words that YAML 1.1 reads as booleans or null.
      let plainSafe = s.first.map { $0.isASCII && $0.isLetter } == true
        && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-./".contains($0)) }
        && !["yes", "no", "on", "off", "y", "n", "true", "false", "null"].contains(s.lowercased())
      if plainSafe { return s }
      // JSON escapes C0 controls; YAML also wants DEL and the C1 controls escaped (they are not
      // printable in YAML), and a terminal would obey them.
      let quoted = JSONWriter.string(value)
      guard quoted.unicodeScalars.contains(where: TerminalText.isControl) else { return quoted }
      return String(quoted.unicodeScalars.map { TerminalText.isControl($0) ? TerminalText.escape($0) : String($0) }.joined())
    case .object: return "{}"
    case .array: return "[]"
    default: return JSONWriter.string(value)
    }
  }
}
