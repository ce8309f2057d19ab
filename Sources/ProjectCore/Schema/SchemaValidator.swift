/// One way in which a value does not satisfy its schema, at a field path.
public struct ValidationIssue: Hashable, Sendable, CustomStringConvertible {
  public var path: FieldPath
  public var message: String

  public init(path: FieldPath, message: String) {
    self.path = path
    self.message = message
  }

  public var description: String { path.components.isEmpty ? message : "\(path): \(message)" }
}

/// Checks record fields against an `ObjectSchema`, fills defaults, and orders keys as declared.
public final class SchemaValidator {
  public let schema: ObjectSchema
  private var regexCache: [String: Regex<AnyRegexOutput>] = [:]

  public init(schema: ObjectSchema) { self.schema = schema }

  /// Validates the fields; returns them in schema order (undeclared keys after) with defaults
  /// filled where `applyDefaults` is set, and every issue found.
  public func validate(_ fields: JSONObject, applyDefaults: Bool) -> (JSONObject, [ValidationIssue]) {
    var issues: [ValidationIssue] = []
    let result = validateObject(fields, schema: schema, path: FieldPath([]), applyDefaults: applyDefaults, issues: &issues)
    return (result, issues)
  }

  /// Checks one value against a field spec, for values given on the command line.
  public func validate(_ value: JSONValue, spec: FieldSpec, path: FieldPath) -> [ValidationIssue] {
    var issues: [ValidationIssue] = []
    _ = validateValue(value, spec: spec, path: path, applyDefaults: false, issues: &issues)
    return issues
  }

  func validateObject(
    _ object: JSONObject, schema: ObjectSchema, path: FieldPath, applyDefaults: Bool,
    issues: inout [ValidationIssue]
  ) -> JSONObject {
    var result = JSONObject()
    for (name, spec) in schema.fields {
      let fieldPath = path.appending(name)
      if let value = object[name] {
        if value.isNull {
          if spec.required { issues.append(ValidationIssue(path: fieldPath, message: "is required, found null")) }
          result[name] = value
        } else {
          result[name] = validateValue(value, spec: spec, path: fieldPath, applyDefaults: applyDefaults, issues: &issues)
        }
      } else if applyDefaults, let value = spec.defaultValue {
        result[name] = value
      } else if spec.required {
        issues.append(ValidationIssue(path: fieldPath, message: "is required"))
      }
    }
    for (key, value) in object where schema.spec(for: key) == nil {
      if !schema.additional {
        let known = schema.fieldNames
        var message = "unknown field"
        if let suggestion = Suggestion.nearest(to: key, in: known) { message += "; did you mean '\(suggestion)'?" }
        issues.append(ValidationIssue(path: path.appending(key), message: message))
      }
      result[key] = value
    }
    return result
  }

  func validateValue(
    _ value: JSONValue, spec: FieldSpec, path: FieldPath, applyDefaults: Bool,
    issues: inout [ValidationIssue]
  ) -> JSONValue {
    func fail(_ message: String) { issues.append(ValidationIssue(path: path, message: message)) }
    func mismatch(_ expected: String) { fail("expected \(expected), found \(ValueText.preview(value))") }

    switch spec.type {
    case .any:
      return value
    case .string:
      guard case .string(let s) = value else { mismatch("string"); return value }
      checkLength(s.count, spec: spec, unit: "characters", fail: fail)
      if let pattern = spec.pattern, let regex = regex(pattern), (try? regex.firstMatch(in: s)) == nil {
        fail("\(ValueText.preview(value)) does not match the pattern '\(pattern)'")
      }
    case .integer:
      guard case .integer(let i) = value else { mismatch("integer"); return value }
      checkRange(Double(i), spec: spec, fail: fail)
    case .number:
      switch value {
      case .integer(let i): checkRange(Double(i), spec: spec, fail: fail)
      case .double(let d): checkRange(d, spec: spec, fail: fail)
      default: mismatch("number")
      }
    case .boolean:
      guard case .bool = value else { mismatch("boolean"); return value }
    case .datetime:
      guard case .string(let s) = value, Timestamp.parseDateTime(s) != nil else {
        mismatch("an RFC 3339 date-time such as 2026-11-30T16:04:45Z")
        return value
      }
    case .date:
      guard case .string(let s) = value, Timestamp.isDate(s) else {
        mismatch("a date such as 2026-11-30")
        return value
      }
    case .enumeration(let values):
      guard case .string(let s) = value, values.contains(s) else {
        var message = "expected one of \(values.joined(separator: ", ")), found \(ValueText.preview(value))"
        if case .string(let s) = value, let near = Suggestion.nearest(to: s, in: values) {
          message += "; did you mean '\(near)'?"
        }
        fail(message)
        return value
      }
    case .array(let items):
      guard case .array(let elements) = value else { mismatch("array"); return value }
      checkLength(elements.count, spec: spec, unit: "items", fail: fail)
      return .array(elements.enumerated().map { index, element in
        validateValue(element, spec: items, path: path.appending(index: index), applyDefaults: applyDefaults, issues: &issues)
      })
    case .object(let nested):
      guard case .object(let object) = value else { mismatch("object"); return value }
      return .object(validateObject(object, schema: nested, path: path, applyDefaults: applyDefaults, issues: &issues))
    }
    return value
  }

  func checkRange(_ number: Double, spec: FieldSpec, fail: (String) -> Void) {
    if let minimum = spec.minimum, number < minimum {
      fail("\(ValueText.number(number)) is less than the minimum \(ValueText.number(minimum))")
    }
    if let maximum = spec.maximum, number > maximum {
      fail("\(ValueText.number(number)) is greater than the maximum \(ValueText.number(maximum))")
    }
  }

  func checkLength(_ count: Int, spec: FieldSpec, unit: String, fail: (String) -> Void) {
    if let minLength = spec.minLength, count < minLength {
      fail("has \(count) \(unit), fewer than the minimum \(minLength)")
    }
    if let maxLength = spec.maxLength, count > maxLength {
      fail("has \(count) \(unit), more than the maximum \(maxLength)")
    }
  }

  func regex(_ pattern: String) -> Regex<AnyRegexOutput>? {
    if let cached = regexCache[pattern] { return cached }
    guard let compiled = try? Regex(pattern) else { return nil }
    regexCache[pattern] = compiled
    return compiled
  }
}

/// Short renderings of values for error messages.
public enum ValueText {
  /// Compact JSON, cut to about 60 characters.
  public static func preview(_ value: JSONValue) -> String {
    let text = JSONWriter.string(value)
    return text.count > 60 ? String(text.prefix(57)) + "..." : text
  }

  /// A number without a needless `.0`.
  public static func number(_ d: Double) -> String {
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    return JSONWriter.formatDouble(d)
  }
}

/// Did-you-mean suggestions by edit distance.
public enum Suggestion {
  /// The candidate closest to `word`, when it is close enough to be a likely typo.
  public static func nearest(to word: String, in candidates: [String]) -> String? {
    let lowered = word.lowercased()
    var best: (String, Int)?
    for candidate in candidates {
      let distance = editDistance(lowered, candidate.lowercased())
      if distance <= max(1, min(3, candidate.count / 3)) && distance < (best?.1 ?? Int.max) {
        best = (candidate, distance)
      }
    }
    return best?.0
  }

  /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
  /// neighbouring characters each cost one.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
          d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
        }
      }
    }
    return d[a.count][b.count]
  }
}
