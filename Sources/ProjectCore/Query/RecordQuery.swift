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
