/// A filter, an order and a window over a service's records: what `list`, `count` and
/// `delete --where` ask of a store. Both stores give the same answer to the same query.
public struct RecordQuery: Sendable {
  public var filters: [Filter] = []
  public var sort: [SortKey] = []
  public var limit: Int?
  public var offset: Int = 0

  public init(filters: [Filter] = [], sort: [SortKey] = [], limit: Int? = nil, offset: Int = 0) {
    self.filters = filters
    self.sort = sort
    self.limit = limit
    self.offset = offset
  }

  public static let all = RecordQuery()

  /// The sort keys with the default tie-breakers appended: `created_at`, then `id`.
  public var effectiveSort: [SortKey] {
    var keys = sort
    for name in ["created_at", "id"] where !keys.contains(where: { $0.path == FieldPath([name]) }) {
      keys.append(SortKey(path: FieldPath([name]), descending: false))
    }
    return keys
  }
}

/// One `--where` condition, its literal already typed by the schema.
public struct Filter: Sendable, Hashable {
  public enum Operator: String, Sendable, Hashable {
    case equal = "=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case contains = "~", oneOf = "in", exists = "exists"
  }

  public var path: FieldPath
  public var op: Operator
  /// One value for comparisons, several for `in`, none for `exists`.
  public var values: [JSONValue]
  public var negated: Bool
  /// Whether the field is a schema array: the condition then holds when any element satisfies it.
  public var matchesElements: Bool

  public init(path: FieldPath, op: Operator, values: [JSONValue], negated: Bool = false, matchesElements: Bool = false) {
    self.path = path
    self.op = op
    self.values = values
    self.negated = negated
    self.matchesElements = matchesElements
  }
}

public struct SortKey: Sendable, Hashable {
  public var path: FieldPath
  public var descending: Bool

  public init(path: FieldPath, descending: Bool) {
    self.path = path
    self.descending = descending
  }
}
