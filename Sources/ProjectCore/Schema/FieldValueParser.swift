/// Parses command-line text into a field's value by the field's type: `--count 3` is the
/// integer 3, `--tags a,b` the array ["a", "b"], `--meta '{"k":1}'` an object.
public enum FieldValueParser {
  public static func parse(_ text: String, spec: FieldSpec?, path: FieldPath) throws(ValidationIssue) -> JSONValue {
    func bad(_ expected: String) -> ValidationIssue {
      ValidationIssue(path: path, message: "expected \(expected), found \(ValueText.preview(.string(text)))")
    }
    guard let spec else { return try freeForm(text, path: path) }
    switch spec.type {
    case .string, .datetime, .date, .enumeration:
      return .string(text)
    case .integer:
      guard let i = Int64(text) else { throw bad("integer") }
      return .integer(i)
    case .number:
      switch Result(catching: { () throws(JSONSyntaxError) in try JSONReader.parse(text) }) {
      case .success(.integer(let i)): return .integer(i)
      case .success(.double(let d)): return .double(d)
      case .failure(let error) where isOutOfRange(error): throw outOfRange(text, path: path)
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
      return try freeForm(text, path: path)
    }
  }

  /// JSON when the text is JSON (a number, true, an object...), else the text as a string.
  /// A number too large or too small to keep is refused, never rounded or kept as text.
  static func freeForm(_ text: String, path: FieldPath) throws(ValidationIssue) -> JSONValue {
    do throws(JSONSyntaxError) {
      return try JSONReader.parse(text)
    } catch  where isOutOfRange(error) {
      throw outOfRange(text, path: path)
    } catch {
      return .string(text)
    }
  }

  /// Whether JSON text failed only for a number past 64-bit integers or doubles.
  static func isOutOfRange(_ error: JSONSyntaxError) -> Bool {
    error.message == "number out of range" || error.message == "integer out of the 64-bit range"
  }

  static func outOfRange(_ text: String, path: FieldPath) -> ValidationIssue {
    ValidationIssue(
      path: path,
      message:
        "number out of range (beyond 64-bit integers and doubles, which are never rounded), found \(ValueText.preview(.string(text)))"
    )
  }
}

extension ValidationIssue: ProjectError {
  public var exitCode: Int32 { 1 }
}
