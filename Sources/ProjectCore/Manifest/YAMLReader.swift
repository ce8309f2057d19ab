import CYAML

/// Reads YAML text with libyaml's event parser into a `YAMLNode` tree.
///
/// Aliases are expanded (with a bound on the total size, against "billion laughs"), nesting is
/// bounded, and only the first document is read; a second one is an error.
public enum YAMLReader {
  public static let maximumDepth = 256
  public static let maximumNodes = 1_000_000

  public static func parse(_ bytes: [UInt8]) throws(YAMLError) -> YAMLNode? {
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else {
      throw YAMLError(mark: SourceMark(line: 1, column: 1), message: "cannot start the YAML parser")
    }
    defer { yaml_parser_delete(&parser) }
    if bytes.contains(0) {
      let offset = bytes.firstIndex(of: 0) ?? 0
      let line = bytes[..<offset].filter { $0 == 0x0A }.count + 1
      throw YAMLError(mark: SourceMark(line: line, column: 1), message: "the file contains a NUL byte")
    }
    return try bytes.withUnsafeBufferPointer { buffer throws(YAMLError) -> YAMLNode? in
      yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
      var builder = YAMLTreeBuilder()
      while true {
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else {
          let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
          let context = parser.context.map { String(cString: $0) + " " } ?? ""
          let mark = SourceMark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
          throw YAMLError(mark: mark, message: context + problem)
        }
        defer { yaml_event_delete(&event) }
        if event.type == YAML_STREAM_END_EVENT { return builder.root }
        try builder.handle(&event)
      }
    }
  }
}
