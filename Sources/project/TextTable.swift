import ArgumentParser
import ProjectCore

#if canImport(Glibc)
  import Glibc
#endif

/// Plain aligned columns.
enum TextTable {
  static func render(header: [String], rows: [[String]]) -> String {
    // The same rule as the record tables: control characters are shown escaped.
    let rows = rows.map { $0.map(TerminalText.escapingControls) }
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, cell in
        i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
      }.joined(separator: "  ")
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
  }
}
