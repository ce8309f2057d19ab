import ProjectCore

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
    // Every ASCII character takes one cell.
    if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.count }
    var total = 0
    for scalar in text.unicodeScalars { total += width(scalar) }
    return total
  }

  /// Text with every control character made visible, so that a stored value cannot move the
  /// cursor, recolour or retitle the terminal: LF, CR and tab as `\n`, `\r`, `\t`, every other
  /// C0 control, DEL and every C1 control (U+0080–U+009F) as `\u00XX` — the escapes JSON and
  /// YAML output use. Everything else, backslashes included, is shown as it is.
  static func escapingControls(_ text: String) -> String {
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
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
