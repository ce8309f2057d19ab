import ProjectCore

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
      let plainSafe =
        s.first.map { $0.isASCII && $0.isLetter } == true
        && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-./".contains($0)) }
        && !["yes", "no", "on", "off", "y", "n", "true", "false", "null"].contains(s.lowercased())
      if plainSafe { return s }
      // JSON escapes C0 controls; YAML also wants DEL and the C1 controls escaped (they are not
      // printable in YAML), and a terminal would obey them.
      let quoted = JSONWriter.string(value)
      guard quoted.unicodeScalars.contains(where: TerminalText.isControl) else { return quoted }
      return String(
        quoted.unicodeScalars.map { TerminalText.isControl($0) ? TerminalText.escape($0) : String($0) }.joined())
    case .object: return "{}"
    case .array: return "[]"
    default: return JSONWriter.string(value)
    }
  }
}
