/// A failure talking to PostgreSQL: one sentence naming the server and the cause. For an
/// ErrorResponse from the server, `sqlState`, `detail` and `hint` carry its fields; the
/// sentence is the server's message, then its detail and hint.
public struct PostgresError: ProjectError, Equatable, Sendable {
  public var exitCode: Int32 { 1 }
  /// `postgres://host:port`, or the Unix socket's path.
  public var endpoint: String
  public var message: String
  public var sqlState: String? = nil
  public var detail: String? = nil
  public var hint: String? = nil
  /// The constraint a violation names (an index, for a unique violation).
  public var constraint: String? = nil

  public init(endpoint: String, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil) {
    self.endpoint = endpoint
    self.message = message
    self.sqlState = sqlState
    self.detail = detail
    self.hint = hint
  }

  public var description: String {
    var text = "\(endpoint): \(message)"
    if let detail { text += "; \(detail.lowercasedFirst)" }
    if let hint { text += "; \(hint.lowercasedFirst)" }
    return text
  }
}

extension String {
  fileprivate var lowercasedFirst: String {
    var text = self
    while text.hasSuffix(".") { text.removeLast() }
    return text.prefix(1).lowercased() + text.dropFirst()
  }
}
