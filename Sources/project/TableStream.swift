import ProjectCore

/// A table written as its rows come: the columns are sized from the first `sizingRows` rows,
/// which are held until then, and every later row is written at once in those widths, so memory
/// does not grow with the result.
///
/// On a terminal (or with `COLUMNS`) the table fits the width: the widest columns shrink first,
/// down to 8 cells, then columns that still do not fit are left off from the right; a later
/// value wider than its column is cut with `…`. Without a width (piped, or `--no-trunc`) nothing
/// is cut: a later, wider value overflows its column. The id column is never cut: a cut UUIDv7
/// looks like every other one of the same moment, so a longer id overflows instead. Widths
/// count terminal cells: wide CJK and emoji take two, accents none.
struct TableStream {
  static let sizingRows = 100

  let printer: RecordPrinter
  let columns: [FieldPath]
  let isID: [Bool]
  /// Rows held until the widths are known.
  var pending: [[String]] = []
  /// The columns shown (indices into `columns`) and their widths, once laid out.
  var shown: [Int] = []
  var widths: [Int] = []
  var laidOut = false

  init(printer: RecordPrinter) {
    self.printer = printer
    var columns = printer.columns
    if printer.fields == nil { columns.removeAll { $0.description == "updated_at" } }
    self.columns = columns
    isID = columns.map { $0.description == "id" }
  }

  mutating func add(_ record: Record, to out: inout [UInt8]) {
    let cells = columns.map { path in TerminalText.escapingControls(printer.cellText(record.value(at: path))) }
    if laidOut {
      line(cells, to: &out)
      return
    }
    pending.append(cells)
    if pending.count == Self.sizingRows { layOut(to: &out) }
  }

  /// Writes what is still held: the header and the rows, when there were fewer than 100.
  mutating func finish(to out: inout [UInt8]) {
    if !laidOut { layOut(to: &out) }
  }

  mutating func layOut(to out: inout [UInt8]) {
    laidOut = true
    let header = columns.map { $0.description.uppercased() }
    widths = header.map(TerminalText.width)
    for row in pending {
      for (i, cell) in row.enumerated() { widths[i] = max(widths[i], TerminalText.width(cell)) }
    }
    shown = Array(columns.indices)
    var keep = isID
    if let terminalWidth = printer.terminalWidth {
      func total() -> Int { widths.reduce(0, +) + 2 * (widths.count - 1) }
      while total() > terminalWidth,
        let widest = widths.indices.filter({ !keep[$0] }).max(by: { widths[$0] < widths[$1] }), widths[widest] > 8
      {
        widths[widest] -= 1
      }
      // Then columns are left off from the right, except the id column.
      while total() > terminalWidth, let last = widths.indices.last(where: { !keep[$0] }), widths.count > 1 {
        widths.remove(at: last)
        shown.remove(at: last)
        keep.remove(at: last)
      }
      // A lone column that still does not fit is cut, unless it is the id: the terminal wraps it.
      if total() > terminalWidth && !keep[0] { widths[0] = max(1, terminalWidth) }
    }
    line(header, to: &out)
    for row in pending { line(row, to: &out) }
    pending = []
  }

  func line(_ cells: [String], to out: inout [UInt8]) {
    let fitted = printer.terminalWidth != nil
    for (i, column) in shown.enumerated() {
      var text = cells[column]
      if i > 0 { out.append(contentsOf: "  ".utf8) }
      var width = TerminalText.width(text)
      if width > widths[i] && fitted && !isID[column] {
        text = TerminalText.truncate(text, to: widths[i] - 1) + "…"
        width = TerminalText.width(text)
      }
      out.append(contentsOf: text.utf8)
      if i < shown.count - 1 {
        let padding = max(0, widths[i] - width)
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))
      }
    }
    out.append(0x0A)
  }
}
