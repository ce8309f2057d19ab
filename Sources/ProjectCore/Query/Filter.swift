/// One `--where` condition, its literal already typed by the schema.
public struct Filter: Sendable, Hashable {
  public enum Operator: String, Sendable, Hashable {
    case equal = "="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case contains = "~"
    case oneOf = "in"
    case exists = "exists"
  }

  /// The keys from the record down; `id`, `created_at` and `updated_at` alone are the record's
  /// own. A path written `$.` may hold keys of any text but `"`, `\` and control characters.
  public var path: FieldPath
  public var op: Operator
  /// One value for comparisons, several for `in`, none for `exists`. `.null` (only with `=` and
  /// `in`) holds for a value stored as JSON null, present but null; every other value compares
  /// as SQLite compares `json_extract`'s result (`SQLScalar`).
  public var values: [JSONValue]
  public var negated: Bool
  /// Whether the field is a schema array: the condition then holds when any element satisfies it.
  public var matchesElements: Bool

  public init(path: FieldPath, op: Operator, values: [JSONValue], negated: Bool = false, matchesElements: Bool = false)
  {
    self.path = path
    self.op = op
    self.values = values
    self.negated = negated
    self.matchesElements = matchesElements
  }
}
