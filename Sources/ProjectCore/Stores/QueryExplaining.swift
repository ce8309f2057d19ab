/// A store that can show how it would run a query (`list --explain`), writing nothing.
public protocol QueryExplaining: RecordStore {
  /// The statement `list` runs for the query, with its bound values.
  func selectSQL(_ query: RecordQuery) -> (sql: String, bindings: [SQLScalar])
  /// The store's plan for the query, one line per step.
  func explain(_ query: RecordQuery) throws -> [String]
}
