/// Compiles a `RecordQuery` to PostgreSQL over the table
/// `(id text COLLATE "C", data json, created_at text COLLATE "C", updated_at text COLLATE "C")`,
/// so that it gives the records, in the order, that SQLite's `json_extract` gives
/// (`SQLScalar`): NULL for a missing or null value, booleans as the numbers 1 and 0, numbers
/// compared by value, strings (and the JSON text of arrays and objects) compared byte by byte,
/// and NULL before numbers before text in any order and comparison.
///
/// A field's value is read three ways, each an expression an index can be built on:
/// - `kind`: `json_typeof(data -> 'a' -> 'b')`, NULL when missing;
/// - `number`: its value as `numeric` (exact, from the number's text), 1 or 0 for a boolean,
///   NULL for anything else;
/// - `text`: `data -> 'a' ->> 'b'` in the "C" collation (bytes), meaningful for strings,
///   arrays and objects.
///
/// Values are always bound parameters. Field names are spliced into the SQL text only as
/// string literals with their quotes doubled, so that the indexes built with the same text are
/// used.
public enum PostgresQueryCompiler {
  public struct Compiled: Sendable {
    /// `WHERE ...` or the empty string.
    public var whereClause: String
    public var orderClause: String
    public var limitClause: String
    public var parameters: [PostgresParameter]
  }

  static let columns: Set<String> = ["id", "created_at", "updated_at"]
  static let textKinds = "('string', 'object', 'array')"
  static let numberKinds = "('number', 'boolean')"

  /// One field's value, read from a JSON expression (`data`, or an array element).
  struct Value {
    /// The JSON value: `data -> 'a' -> 'b'`.
    var json: String
    /// Its text: `data -> 'a' ->> 'b'`, or `value #>> '{}'` for an element.
    var rawText: String

    init(_ path: FieldPath, in document: String = "data") {
      let keys = path.components.map(PostgresQueryCompiler.literal)
      json = ([document] + keys).joined(separator: " -> ")
      rawText =
        keys.count == 1
        ? "\(document) ->> \(keys[0])"
        : ([document] + keys.dropLast()).joined(separator: " -> ") + " ->> \(keys.last ?? "")"
    }

    init(element: String) {
      json = element
      rawText = "\(element) #>> '{}'"
    }

    var kind: String { "json_typeof(\(json))" }
    var text: String { "(\(rawText)) COLLATE \"C\"" }
    /// Its text for strings, arrays and objects only: numbers and booleans that are equal by
    /// value (`1`, `1.0`, `true`) tie in SQLite's order, whatever their text.
    var sortText: String {
      "(CASE WHEN \(kind) IN \(PostgresQueryCompiler.textKinds) THEN \(rawText) END) COLLATE \"C\""
    }
    /// A JSON number's exact value. A double from 2^53 up to 2^63 in size is an integer that its
    /// shortest text may not spell exactly (2^60 is written `1.152921504606847e+18`), so it is
    /// read through `float8` and `int8`; SQLite compares it with an integer by its exact value.
    var exactNumber: String {
      "(CASE WHEN (\(rawText)) ~ '[.eE]' AND abs((\(rawText))::float8) >= 9007199254740992 AND (\(rawText))::float8 >= -9223372036854775808 AND (\(rawText))::float8 < 9223372036854775808 THEN (\(rawText))::float8::int8::numeric ELSE (\(rawText))::numeric END)"
    }
    var number: String {
      "(CASE \(kind) WHEN 'number' THEN \(exactNumber) WHEN 'boolean' THEN CASE \(rawText) WHEN 'true' THEN 1 ELSE 0 END END)"
    }
    /// SQLite's order of types: 0 for NULL, 1 for numbers, 2 for text.
    var rank: String {
      "(CASE \(kind) WHEN 'number' THEN 1 WHEN 'boolean' THEN 1 WHEN 'string' THEN 2 WHEN 'object' THEN 2 WHEN 'array' THEN 2 ELSE 0 END)"
    }
    /// One text for the value as a unique index compares it (SQLite's `=`): `n` and the number
    /// without trailing zeros, or `s` and the text; NULL for a missing or null value.
    var uniqueKey: String {
      "(CASE \(kind) WHEN 'number' THEN 'n' || trim_scale(\(exactNumber))::text WHEN 'boolean' THEN CASE \(rawText) WHEN 'true' THEN 'n1' ELSE 'n0' END WHEN 'null' THEN NULL ELSE 's' || (\(rawText)) END)"
    }
  }

  /// A string literal: `'it''s'`. Standard-conforming strings (PostgreSQL's default since 9.1,
  /// set by the store on connecting) take backslashes as they are.
  static func literal(_ text: String) -> String {
    "'" + text.replacing("'", with: "''") + "'"
  }

  /// The expressions `ORDER BY` uses for a key, ascending.
  static func orderKeys(_ path: FieldPath) -> [String] {
    if path.components.count == 1, columns.contains(path.components[0]) { return ["\"\(path.components[0])\""] }
    let value = Value(path)
    return [value.rank, value.number, value.sortText]
  }

  /// The expression an index on the field is built on: its number for numeric and boolean
  /// fields, else its text.
  static func indexKey(_ path: FieldPath, numeric: Bool) -> String {
    let value = Value(path)
    return numeric ? value.number : value.text
  }

  public static func compile(_ query: RecordQuery) -> Compiled {
    var parameters: [PostgresParameter] = []
    var conditions: [String] = []
    for filter in query.filters {
      conditions.append(condition(filter, &parameters))
    }
    let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    let order = query.effectiveSort.flatMap { key in
      orderKeys(key.path).map { $0 + (key.descending ? " DESC" : "") }
    }
    var limitClause = ""
    if let limit = query.limit {
      parameters.append(.int8(Int64(limit)))
      limitClause = "LIMIT $\(parameters.count)"
    }
    if query.offset > 0 {
      parameters.append(.int8(Int64(query.offset)))
      limitClause += (limitClause.isEmpty ? "" : " ") + "OFFSET $\(parameters.count)"
    }
    return Compiled(
      whereClause: whereClause, orderClause: "ORDER BY " + order.joined(separator: ", "), limitClause: limitClause,
      parameters: parameters)
  }

  static func condition(_ filter: Filter, _ parameters: inout [PostgresParameter]) -> String {
    if filter.path.components.count == 1, columns.contains(filter.path.components[0]) {
      let test = columnPredicate(filter, on: "\"\(filter.path.components[0])\"", &parameters)
      return filter.negated ? "NOT COALESCE(\(test), false)" : test
    }
    if filter.matchesElements && filter.op != .exists {
      // As SQLite's `json_each`: each element of an array, each value of an object, the value
      // itself when it is neither (a JSON null included), nothing when it is missing.
      let value = Value(filter.path)
      let inner = predicate(filter, on: Value(element: "element"), &parameters)
      let elements =
        "SELECT json_array_elements(\(value.json)) WHERE \(value.kind) = 'array' UNION ALL SELECT value FROM json_each(CASE WHEN \(value.kind) = 'object' THEN \(value.json) END) UNION ALL SELECT \(value.json) WHERE \(value.kind) NOT IN ('array', 'object')"
      let exists = "EXISTS (SELECT 1 FROM (\(elements)) AS elements(element) WHERE \(inner))"
      return filter.negated ? "NOT \(exists)" : exists
    }
    let test = predicate(filter, on: Value(filter.path), &parameters)
    return filter.negated ? "NOT COALESCE(\(test), false)" : test
  }

  /// A bound literal: `$n::numeric` for numbers (and booleans, as 1 and 0), `$n` for text; nil
  /// for null, which no comparison matches.
  static func bind(_ scalar: SQLScalar, _ parameters: inout [PostgresParameter]) -> (sql: String, isNumber: Bool)? {
    switch scalar {
    case .null: return nil
    case .integer(let i):
      parameters.append(.numeric(String(i)))
      return ("$\(parameters.count)", true)
    case .real(let d):
      parameters.append(.numeric(exactText(d)))
      return ("$\(parameters.count)", true)
    case .text(let s):
      parameters.append(.text(s))
      return ("$\(parameters.count)", false)
    }
  }

  /// A double's exact value as `numeric` reads it: its digits when it is an integer that fits
  /// 64 bits (past 2^53 the shortest text may round it), else its shortest text.
  static func exactText(_ d: Double) -> String {
    if d.magnitude >= 9_007_199_254_740_992, d >= -9_223_372_036_854_775_808.0, d < 9_223_372_036_854_775_808.0 {
      return String(Int64(d))
    }
    return JSONWriter.string(.double(d))
  }

  static func predicate(_ filter: Filter, on x: Value, _ parameters: inout [PostgresParameter]) -> String {
    let isText = "\(x.kind) IN \(textKinds)"
    switch filter.op {
    case .exists:
      return "\(x.kind) <> 'null'"
    case .oneOf:
      var tests: [String] = []
      for value in filter.values {
        guard let literal = bind(SQLScalar(value), &parameters) else {
          // The literal `null` finds a stored JSON null.
          if value == .null { tests.append("\(x.kind) = 'null'") }
          continue
        }
        tests.append(
          literal.isNumber ? "\(x.number) = \(literal.sql)" : "(\(x.text) = \(literal.sql) AND \(isText))")
      }
      return tests.isEmpty ? "false" : "(" + tests.joined(separator: " OR ") + ")"
    case .contains:
      guard let literal = bind(SQLScalar(filter.values.first), &parameters), !literal.isNumber else {
        return "false"
      }
      return "(\(isText) AND strpos(\(x.text), \(literal.sql)) > 0)"
    case .equal, .less, .lessOrEqual, .greater, .greaterOrEqual:
      guard let literal = bind(SQLScalar(filter.values.first), &parameters) else {
        return filter.op == .equal && filter.values.first == .null ? "\(x.kind) = 'null'" : "false"
      }
      let op = filter.op.rawValue
      let below = filter.op == .less || filter.op == .lessOrEqual
      if literal.isNumber {
        // Text sorts after every number: it is greater than any number, never less.
        switch filter.op {
        case .equal: return "\(x.number) = \(literal.sql)"
        case _ where below: return "\(x.number) \(op) \(literal.sql)"
        default: return "(\(x.number) \(op) \(literal.sql) OR \(isText))"
        }
      }
      switch filter.op {
      case .equal: return "(\(x.text) = \(literal.sql) AND \(isText))"
      case _ where below: return "(\(x.kind) IN \(numberKinds) OR (\(x.text) \(op) \(literal.sql) AND \(isText)))"
      default: return "(\(x.text) \(op) \(literal.sql) AND \(isText))"
      }
    }
  }

  /// A condition on one of the text columns. SQLite gives a number compared with a TEXT column
  /// that column's affinity, so it is compared as its text.
  static func columnPredicate(_ filter: Filter, on column: String, _ parameters: inout [PostgresParameter])
    -> String
  {
    switch filter.op {
    case .exists: return "true"
    case .oneOf:
      var list: [String] = []
      for value in filter.values {
        if let literal = bindText(value, &parameters) { list.append(literal) }
      }
      return list.isEmpty ? "false" : "\(column) IN (\(list.joined(separator: ", ")))"
    case .contains:
      guard let literal = bindText(filter.values.first, &parameters) else { return "false" }
      return "strpos(\(column), \(literal)) > 0"
    case .equal, .less, .lessOrEqual, .greater, .greaterOrEqual:
      guard let literal = bindText(filter.values.first, &parameters) else { return "false" }
      return "\(column) \(filter.op.rawValue) \(literal)"
    }
  }

  /// A literal bound as text, for a text column; nil for null.
  static func bindText(_ value: JSONValue?, _ parameters: inout [PostgresParameter]) -> String? {
    switch SQLScalar(value) {
    case .null: return nil
    case .integer(let i): parameters.append(.text(String(i)))
    case .real(let d): parameters.append(.text(JSONWriter.string(.double(d))))
    case .text(let s): parameters.append(.text(s))
    }
    return "$\(parameters.count)"
  }
}
