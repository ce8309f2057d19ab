/// Compiles a `RecordQuery` to SQL over the table `(id, data, created_at, updated_at)`.
///
/// Values are always bound parameters. Field paths are spliced into the SQL text only as
/// `json_extract(data, '$.a.b')` after checking that every component is a plain name, so that
/// expression indexes built with the same text are used; any other path (a `$.` path with a
/// quoted key such as `$."it's"`) is bound as a parameter too.
public enum SQLQueryCompiler {
  public struct Compiled: Sendable {
    /// `WHERE ...` or the empty string.
    public var whereClause: String
    public var orderClause: String
    public var limitClause: String
    public var bindings: [SQLScalar]
  }

  static let columns: Set<String> = ["id", "created_at", "updated_at"]

  /// The SQL expression for a field of plain names (the schema's, as index definitions use
  /// it): a column for the record's own fields, else `json_extract`.
  public static func expression(_ path: FieldPath) -> String {
    precondition(path.components.allSatisfy(FilterParser.isPathComponent), "unchecked path component")
    var unused: [SQLScalar] = []
    return operand(path, &unused)
  }

  /// `$.a.b`, quoting keys that are not plain identifiers (`$."a-b"`, `$."a b"`). SQLite's
  /// paths have no escapes: a key holding `"` cannot be written, and the parser refuses it.
  public static func jsonPath(_ path: FieldPath) -> String {
    var text = "$"
    for component in path.components {
      text += Identifier.isSafe(component) ? ".\(component)" : ".\"\(component)\""
    }
    return text
  }

  /// The path argument of a JSON function: spliced as `'$.a.b'` when every key is a plain name,
  /// so that expression indexes built from the same text are used; else `?`, with the path
  /// bound as a parameter. Call it where its text goes into the SQL, in order.
  static func pathArgument(_ path: FieldPath, _ bindings: inout [SQLScalar]) -> String {
    if path.components.allSatisfy(FilterParser.isPathComponent) { return "'\(jsonPath(path))'" }
    bindings.append(.text(jsonPath(path)))
    return "?"
  }

  /// A column for the record's own fields, else `json_extract` of the path.
  static func operand(_ path: FieldPath, _ bindings: inout [SQLScalar]) -> String {
    if path.components.count == 1, columns.contains(path.components[0]) { return "\"\(path.components[0])\"" }
    return "json_extract(data, \(pathArgument(path, &bindings)))"
  }

  public static func compile(_ query: RecordQuery) -> Compiled {
    var bindings: [SQLScalar] = []
    var conditions: [String] = []
    for filter in query.filters {
      conditions.append(condition(filter, &bindings))
    }
    let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    let order = query.effectiveSort.map { operand($0.path, &bindings) + ($0.descending ? " DESC" : "") }
    var limitClause = ""
    if query.limit != nil || query.offset > 0 {
      limitClause = "LIMIT ? OFFSET ?"
    }
    var compiled = Compiled(
      whereClause: whereClause, orderClause: "ORDER BY " + order.joined(separator: ", "), limitClause: limitClause,
      bindings: bindings)
    if !limitClause.isEmpty {
      compiled.bindings.append(.integer(Int64(query.limit ?? -1)))
      compiled.bindings.append(.integer(Int64(query.offset)))
    }
    return compiled
  }

  /// SQL text that may bind parameters, in the order its text is written.
  typealias Fragment = (inout [SQLScalar]) -> String

  static func condition(_ filter: Filter, _ bindings: inout [SQLScalar]) -> String {
    if filter.matchesElements && filter.op != .exists {
      let source = "json_each(data, \(pathArgument(filter.path, &bindings)))"
      let inner = predicate(filter, on: { _ in "value" }, type: { _ in "type" }, &bindings)
      let exists = "EXISTS (SELECT 1 FROM \(source) WHERE \(inner))"
      return filter.negated ? "NOT \(exists)" : exists
    }
    let isColumn = filter.path.components.count == 1 && columns.contains(filter.path.components[0])
    let test = predicate(
      filter, on: { operand(filter.path, &$0) },
      type: isColumn ? nil : { "json_type(data, \(pathArgument(filter.path, &$0)))" }, &bindings)
    return filter.negated ? "NOT COALESCE(\(test), 0)" : test
  }

  /// The condition on the value `x`, whose JSON type `type` gives (nil for a column, never
  /// JSON null): the literal `null` finds a stored JSON null, which `x` reads as NULL.
  static func predicate(_ filter: Filter, on x: Fragment, type: Fragment?, _ bindings: inout [SQLScalar]) -> String {
    let findsNull = filter.values.contains(.null)
    switch filter.op {
    case .exists:
      return "\(x(&bindings)) IS NOT NULL"
    case .oneOf:
      var tests: [String] = []
      let values = filter.values.map(SQLScalar.init).filter { !$0.isNull }
      if !values.isEmpty {
        let field = x(&bindings)
        bindings.append(contentsOf: values)
        tests.append("\(field) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))")
      }
      if findsNull, let type { tests.append("\(type(&bindings)) = 'null'") }
      if tests.count > 1 { return "(\(tests.joined(separator: " OR ")))" }
      return tests.first ?? "0"
    case .contains:
      let kind = x(&bindings)
      let field = x(&bindings)
      bindings.append(SQLScalar(filter.values.first))
      return "(typeof(\(kind)) = 'text' AND instr(\(field), ?) > 0)"
    case .equal, .less, .lessOrEqual, .greater, .greaterOrEqual:
      let literal = SQLScalar(filter.values.first)
      if literal.isNull {
        guard filter.op == .equal, findsNull, let type else { return "0" }
        return "\(type(&bindings)) = 'null'"
      }
      let field = x(&bindings)
      bindings.append(literal)
      return "\(field) \(filter.op.rawValue) ?"
    }
  }
}
