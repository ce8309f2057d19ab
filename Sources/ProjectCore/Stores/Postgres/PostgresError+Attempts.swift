extension PostgresError {
  /// The failure of a connection that tried several hosts: with one failure, that one as it is
  /// (its SQLSTATE kept); with several, `could not connect to PostgreSQL: <host>: <cause>;
  /// <host>: <cause>`, in the order tried.
  static func noServerReached(_ failures: [PostgresError]) -> PostgresError {
    if failures.count == 1 { return failures[0] }
    guard !failures.isEmpty else {
      return PostgresError(endpoint: "could not connect to PostgreSQL", message: "no host to connect to")
    }
    return PostgresError(
      endpoint: "could not connect to PostgreSQL", message: failures.map(\.description).joined(separator: "; "))
  }
}
