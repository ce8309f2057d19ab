/// Evaluates a `RecordQuery` in memory, with the same answers SQLite gives for the compiled SQL.
public struct RecordMatcher {
  public let query: RecordQuery

  public init(_ query: RecordQuery) { self.query = query }

  public func matches(_ record: Record) -> Bool {
    query.filters.allSatisfy { matches($0, record) }
  }

  func matches(_ filter: Filter, _ record: Record) -> Bool {
    let value = record.value(at: filter.path)
    if filter.matchesElements && filter.op != .exists {
      let elements: [JSONValue]
      switch value {
      case nil: elements = []
      case .array(let items)?: elements = items
      // As SQLite's `json_each`, an object's values.
      case .object(let object)?: elements = object.pairs.map(\.value)
      case let scalar?: elements = [scalar]
      }
      let any = elements.contains { holds(filter, $0) }
      return filter.negated ? !any : any
    }
    let result = holds(filter, value)
    return filter.negated ? !result : result
  }

  /// The condition on one value, seen as SQL sees it: NULL makes every comparison false, but a
  /// stored JSON null is what the literal `null` finds.
  func holds(_ filter: Filter, _ value: JSONValue?) -> Bool {
    if case .null? = value {
      return (filter.op == .equal || filter.op == .oneOf) && filter.values.contains(.null)
    }
    let x = SQLScalar(value)
    if case .null = x { return false }
    switch filter.op {
    case .exists: return true
    case .oneOf: return filter.values.contains { SQLScalar.compare(x, SQLScalar($0)) == 0 && !SQLScalar($0).isNull }
    case .contains:
      guard case .text(let text) = x, case .text(let needle) = SQLScalar(filter.values.first) else { return false }
      return needle.isEmpty || containsBytes(text, needle)
    default:
      let literal = SQLScalar(filter.values.first)
      if literal.isNull { return false }
      let c = SQLScalar.compare(x, literal)
      switch filter.op {
      case .equal: return c == 0
      case .less: return c < 0
      case .lessOrEqual: return c <= 0
      case .greater: return c > 0
      case .greaterOrEqual: return c >= 0
      default: return false
      }
    }
  }

  func containsBytes(_ haystack: String, _ needle: String) -> Bool {
    let h = Array(haystack.utf8)
    let n = Array(needle.utf8)
    guard n.count <= h.count else { return false }
    for start in 0...(h.count - n.count) where h[start] == n[0] {
      if h[start..<(start + n.count)].elementsEqual(n) { return true }
    }
    return false
  }

  /// Filters, sorts and windows the records.
  public func apply(to records: [Record]) -> [Record] {
    select(records).map { records[$0] }
  }

  /// The positions of the records the query returns, in its order.
  public func select(_ records: [Record]) -> [Int] {
    let keys = query.effectiveSort
    var decorated: [(Int, [SQLScalar])] = []
    for (i, record) in records.enumerated() where query.filters.isEmpty || matches(record) {
      decorated.append((i, keys.map { SQLScalar(record.value(at: $0.path)) }))
    }
    decorated.sort { a, b in
      for (i, key) in keys.enumerated() {
        let c = SQLScalar.compare(a.1[i], b.1[i])
        if c != 0 { return key.descending ? c > 0 : c < 0 }
      }
      return false
    }
    var window = decorated.dropFirst(query.offset).map(\.0)
    if let limit = query.limit, window.count > limit { window = Array(window.prefix(limit)) }
    return window
  }
}

extension SQLScalar {
  var isNull: Bool {
    if case .null = self { return true }
    return false
  }
}
