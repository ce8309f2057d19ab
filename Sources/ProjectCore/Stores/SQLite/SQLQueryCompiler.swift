/// Compiles a `RecordQuery` to SQL over the table `(id, data, created_at, updated_at)`.
///
/// Values are always bound parameters. Field paths are spliced into the SQL text only as
/// `json_extract(data, '$.a.b')` after checking that every component is a plain name, so that
/// expression indexes built with the same text are used.
public enum SQLQueryCompiler {
  public struct Compiled: Sendable {
    /// `WHERE ...` or the empty string.
    public var whereClause: String
    public var orderClause: String
    public var limitClause: String
    public var bindings: [SQLScalar]
  }

  static let columns: Set<String> = ["id", "created_at", "updated_at"]

  /// The SQL expression for a field: a column for the record's own fields, else `json_extract`.
  public static func expression(_ path: FieldPath) -> String {
    if path.components.count == 1, columns.contains(path.components[0]) { return "\"\(path.components[0])\"" }
    return "json_extract(data, '\(jsonPath(path))')"
  }

  /// `$.a.b`, quoting components that are not plain identifiers (`$."a-b"`).
  public static func jsonPath(_ path: FieldPath) -> String {
    var text = "$"
    for component in path.components {
      precondition(FilterParser.isPathComponent(component), "unchecked path component")
      text += Identifier.isSafe(component) ? ".\(component)" : ".\"\(component)\""
    }
    return text
  }

  public static func compile(_ query: RecordQuery) -> Compiled {
    var bindings: [SQLScalar] = []
    var conditions: [String] = []
    for filter in query.filters {
      conditions.append(condition(filter, &bindings))
    }
    let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    let order = query.effectiveSort.map { expression($0.path) + ($0.descending ? " DESC" : "") }
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

  static func condition(_ filter: Filter, _ bindings: inout [SQLScalar]) -> String {
    let field = expression(filter.path)
    if filter.matchesElements && filter.op != .exists {
      let inner = predicate(filter, on: "value", &bindings)
      let exists = "EXISTS (SELECT 1 FROM json_each(data, '\(jsonPath(filter.path))') WHERE \(inner))"
      return filter.negated ? "NOT \(exists)" : exists
    }
    let test = predicate(filter, on: field, &bindings)
    return filter.negated ? "NOT COALESCE(\(test), 0)" : test
  }

  static func predicate(_ filter: Filter, on x: String, _ bindings: inout [SQLScalar]) -> String {
    switch filter.op {
    case .exists:
      return "\(x) IS NOT NULL"
    case .oneOf:
      let values = filter.values.map(SQLScalar.init).filter { !$0.isNull }
      if values.isEmpty { return "0" }
      bindings.append(contentsOf: values)
      return "\(x) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))"
    case .contains:
      bindings.append(SQLScalar(filter.values.first))
      return "(typeof(\(x)) = 'text' AND instr(\(x), ?) > 0)"
    case .equal, .less, .lessOrEqual, .greater, .greaterOrEqual:
      let literal = SQLScalar(filter.values.first)
      if literal.isNull { return "0" }
      bindings.append(literal)
      return "\(x) \(filter.op.rawValue) ?"
    }
  }
}
