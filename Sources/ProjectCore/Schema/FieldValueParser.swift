/// Parses command-line text into a field's value by the field's type: `--count 3` is the
/// integer 3, `--tags a,b` the array ["a", "b"], `--meta '{"k":1}'` an object.
public enum FieldValueParser {
  public static func parse(_ text: String, spec: FieldSpec?, path: FieldPath) throws(ValidationIssue) -> JSONValue {
    func bad(_ expected: String) -> ValidationIssue {
      ValidationIssue(path: path, message: "expected \(expected), found \(ValueText.preview(.string(text)))")
    }
    guard let spec else { return freeForm(text) }
    switch spec.type {
    case .string, .datetime, .date, .enumeration:
      return .string(text)
    case .integer:
      guard let i = Int64(text) else { throw bad("integer") }
      return .integer(i)
    case .number:
      switch try? JSONReader.parse(text) {
      case .integer(let i)?: return .integer(i)
      case .double(let d)?: return .double(d)
      default: throw bad("number")
      }
    case .boolean:
      switch text.lowercased() {
      case "true", "yes", "1", "on": return .bool(true)
      case "false", "no", "0", "off": return .bool(false)
      default: throw bad("true or false")
      }
    case .array(let items):
      if text.hasPrefix("[") {
        do { return try JSONReader.parse(text) } catch {
          throw ValidationIssue(path: path, message: "invalid JSON array: \(error)")
        }
      }
      if text.isEmpty { return .array([]) }
      var values: [JSONValue] = []
      for (i, part) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
        values.append(try parse(String(part), spec: items, path: path.appending(index: i)))
      }
      return .array(values)
    case .object:
      do { return try JSONReader.parse(text) } catch {
        throw ValidationIssue(path: path, message: "expected a JSON object such as '{\"key\": \"value\"}': \(error)")
      }
    case .any:
      return freeForm(text)
    }
  }

  /// JSON when the text is JSON (a number, true, an object...), else the text as a string.
  static func freeForm(_ text: String) -> JSONValue {
    (try? JSONReader.parse(text)) ?? .string(text)
  }
}

extension ValidationIssue: Error {}
