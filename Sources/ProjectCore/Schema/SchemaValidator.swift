/// Checks record fields against an `ObjectSchema`, fills defaults, and orders keys as declared.
public final class SchemaValidator {
  public let schema: ObjectSchema

  public init(schema: ObjectSchema) { self.schema = schema }

  /// Validates the fields; returns them in schema order (undeclared keys after) with defaults
  /// filled where `applyDefaults` is set, and every issue found.
  public func validate(_ fields: JSONObject, applyDefaults: Bool) -> (JSONObject, [ValidationIssue]) {
    var walk = Walk(applyDefaults: applyDefaults)
    let result = validateObject(fields, schema: schema, path: { FieldPath([]) }, walk: &walk) ?? fields
    for (key, value) in result {
      Self.rejectNUL(value, key: key, path: { FieldPath([]) }, walk: &walk)
      Self.checkDepth(value, level: 1, path: { FieldPath([key]) }, walk: &walk)
    }
    return (result, walk.issues)
  }

  /// Refuses a value that would take its record past `JSONLimits.recordDepth` levels; `level`
  /// is that of the object or array holding it (1 for a record's own fields). Whatever passes
  /// can be read back from the store file and from every export, on both backends.
  static func checkDepth(_ value: JSONValue, level: Int, path: () -> FieldPath, walk: inout Walk) {
    switch value {
    case .array, .object: break
    default: return
    }
    let limit = JSONLimits.recordDepth
    if level + JSONLimits.levels(of: value, limit: limit - level) > limit {
      walk.fail(
        path,
        "nests deeper than the \(limit) levels a record may have (the record's own object is one; JSON text may nest \(JSONLimits.readerDepth) levels, and the store file and JSON exports wrap \(JSONLimits.wrapperLevels) around each record)"
      )
    }
  }

  /// Text holding U+0000 is refused anywhere in a record: SQLite's JSON functions end a string
  /// at an escaped NUL, so the two stores would answer queries differently.
  static func rejectNUL(_ value: JSONValue, key: String, path: () -> FieldPath, walk: inout Walk) {
    func here() -> FieldPath { path().appending(key) }
    if UTF8Text.containsNUL(key) { walk.fail(here, "the name contains a NUL character (U+0000), which is not allowed") }
    switch value {
    case .string(let text) where UTF8Text.containsNUL(text):
      walk.fail(here, "contains a NUL character (U+0000), which is not allowed in text")
    case .array(let items):
      for (i, item) in items.enumerated() {
        switch item {
        case .string(let text) where UTF8Text.containsNUL(text):
          walk.fail({ here().appending(index: i) }, "contains a NUL character (U+0000), which is not allowed in text")
        case .object(let object):
          for (k, v) in object { rejectNUL(v, key: k, path: { here().appending(index: i) }, walk: &walk) }
        case .array:
          rejectNUL(item, key: "[\(i)]", path: path, walk: &walk)
        default: break
        }
      }
    case .object(let object):
      for (k, v) in object { rejectNUL(v, key: k, path: here, walk: &walk) }
    default: break
    }
  }

  /// Checks one value against a field spec, for values given on the command line.
  public func validate(_ value: JSONValue, spec: FieldSpec, path: FieldPath) -> [ValidationIssue] {
    var walk = Walk(applyDefaults: false)
    _ = validateValue(value, spec: spec, path: { path }, walk: &walk)
    return walk.issues
  }

  /// What the validation found. Paths are passed down as closures that build a `FieldPath` only
  /// when there is an issue to report, so that valid records cost no path allocations.
  struct Walk {
    let applyDefaults: Bool
    var issues: [ValidationIssue] = []

    mutating func fail(_ path: () -> FieldPath, _ message: String) {
      issues.append(ValidationIssue(path: path(), message: message))
    }
  }

  /// The object with its keys in schema order and defaults filled in, or nil when that is the
  /// object as it came: records usually come whole and in schema order, and then no new
  /// object is built.
  func validateObject(_ object: JSONObject, schema: ObjectSchema, path: () -> FieldPath, walk: inout Walk)
    -> JSONObject?
  {
    let pairs = object.pairs
    // While `rebuilt` is nil, the output so far is `pairs[..<kept]`.
    var rebuilt: [JSONObject.Pair]?
    var kept = 0
    func emit(_ pair: JSONObject.Pair, from position: Int?) {
      if rebuilt == nil {
        if position == kept {
          kept += 1
          return
        }
        var copy: [JSONObject.Pair] = []
        copy.reserveCapacity(max(pairs.count, schema.fields.count))
        copy.append(contentsOf: pairs[..<kept])
        rebuilt = copy
      }
      rebuilt?.append(pair)
    }
    var matched = 0
    for (position, field) in schema.fields.enumerated() {
      let name = field.name
      let fieldPath = { path().appending(name) }
      // Records usually come in schema order: look where the field should be first.
      var value: JSONValue?
      var found: Int?
      if position < pairs.count && JSONObject.sameKey(pairs[position].key, name) {
        value = pairs[position].value
        found = position
      } else {
        value = object[name]
      }
      if let value {
        matched += 1
        if value.isNull {
          if field.spec.required { walk.fail(fieldPath, "is required, found null") }
          emit((name, value), from: found)
        } else if let changed = validateValue(value, spec: field.spec, path: fieldPath, walk: &walk) {
          emit((name, changed), from: nil)
        } else {
          emit((name, value), from: found)
        }
      } else if walk.applyDefaults, let value = field.spec.defaultValue {
        emit((name, value), from: nil)
      } else if field.spec.required {
        walk.fail(fieldPath, "is required")
      }
    }
    if matched < object.count {
      for (position, (key, value)) in pairs.enumerated() where schema.spec(for: key) == nil {
        if !schema.additional {
          var message = "unknown field"
          if let suggestion = Suggestion.nearest(to: key, in: schema.fieldNames) {
            message += "; did you mean '\(suggestion)'?"
          }
          walk.fail({ path().appending(key) }, message)
        }
        emit((key, value), from: position)
      }
    }
    if let rebuilt { return JSONObject(distinctPairs: rebuilt) }
    return kept == pairs.count ? nil : JSONObject(distinctPairs: Array(pairs[..<kept]))
  }

  /// Checks a value; returns it changed (objects in schema order, with defaults), or nil when
  /// it stands as it came.
  func validateValue(_ value: JSONValue, spec: FieldSpec, path: () -> FieldPath, walk: inout Walk) -> JSONValue? {
    func mismatch(_ expected: String) { walk.fail(path, "expected \(expected), found \(ValueText.preview(value))") }

    switch spec.type {
    case .any:
      return nil
    case .string:
      guard case .string(let s) = value else {
        mismatch("string")
        return nil
      }
      if spec.maxLength == nil && (spec.minLength ?? 0) <= 1 {
        // Counting characters walks grapheme clusters; "at least one" needs none of that.
        if spec.minLength == 1 && s.isEmpty { checkLength(0, spec: spec, unit: "characters", path: path, walk: &walk) }
      } else {
        checkLength(s.count, spec: spec, unit: "characters", path: path, walk: &walk)
      }
      if let pattern = spec.pattern, !pattern.matches(s) {
        walk.fail(path, "\(ValueText.preview(value)) does not match the pattern '\(pattern)'")
      }
    case .integer:
      guard case .integer(let i) = value else {
        mismatch("integer")
        return nil
      }
      checkRange(Double(i), spec: spec, path: path, walk: &walk)
    case .number:
      switch value {
      case .integer(let i): checkRange(Double(i), spec: spec, path: path, walk: &walk)
      case .double(let d): checkRange(d, spec: spec, path: path, walk: &walk)
      default: mismatch("number")
      }
    case .boolean:
      guard case .bool = value else {
        mismatch("boolean")
        return nil
      }
    case .datetime:
      guard case .string(let s) = value, Timestamp.parseDateTime(s) != nil else {
        mismatch("an RFC 3339 date-time such as 2026-11-30T16:04:45Z")
        return nil
      }
    case .date:
      guard case .string(let s) = value, Timestamp.isDate(s) else {
        mismatch("a date such as 2026-11-30")
        return nil
      }
    case .enumeration(let values):
      guard case .string(let s) = value, values.containsBytes(s) else {
        var message = "expected one of \(values.joined(separator: ", ")), found \(ValueText.preview(value))"
        if case .string(let s) = value, let near = Suggestion.nearest(to: s, in: values) {
          message += "; did you mean '\(near)'?"
        }
        walk.fail(path, message)
        return nil
      }
    case .array(let items):
      guard case .array(var elements) = value else {
        mismatch("array")
        return nil
      }
      if spec.minLength != nil || spec.maxLength != nil {
        checkLength(elements.count, spec: spec, unit: "items", path: path, walk: &walk)
      }
      var changed = false
      for index in elements.indices {
        if let item = validateValue(elements[index], spec: items, path: { path().appending(index: index) }, walk: &walk)
        {
          elements[index] = item
          changed = true
        }
      }
      return changed ? .array(elements) : nil
    case .object(let nested):
      guard case .object(let object) = value else {
        mismatch("object")
        return nil
      }
      return validateObject(object, schema: nested, path: path, walk: &walk).map(JSONValue.object)
    }
    return nil
  }

  func checkRange(_ number: Double, spec: FieldSpec, path: () -> FieldPath, walk: inout Walk) {
    if let minimum = spec.minimum, number < minimum {
      walk.fail(path, "\(ValueText.number(number)) is less than the minimum \(ValueText.number(minimum))")
    }
    if let maximum = spec.maximum, number > maximum {
      walk.fail(path, "\(ValueText.number(number)) is greater than the maximum \(ValueText.number(maximum))")
    }
  }

  func checkLength(_ count: Int, spec: FieldSpec, unit: String, path: () -> FieldPath, walk: inout Walk) {
    if let minLength = spec.minLength, count < minLength {
      walk.fail(path, "has \(count) \(unit), fewer than the minimum \(minLength)")
    }
    if let maxLength = spec.maxLength, count > maxLength {
      walk.fail(path, "has \(count) \(unit), more than the maximum \(maxLength)")
    }
  }

}
