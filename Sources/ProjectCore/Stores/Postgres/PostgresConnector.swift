/// Connects as libpq does with several hosts: each in turn (each with its own connect timeout),
/// `sslmode=allow` and `prefer` trying the other way when the server refuses the first, and
/// the session checked against `target_session_attrs` before it is kept.
public enum PostgresConnector {
  /// The first session that fits; when none does, a `PostgresError`: with one host, that host's
  /// failure as it is; with several, one sentence naming every host tried and its cause.
  public static func connect(_ settings: PostgresConnectionSettings) throws(PostgresError) -> PostgresConnection {
    let wanted = settings.targetSessionAttributes
    var failures: [PostgresError] = []
    // prefer-standby: the first session that is not a standby, kept for the second pass.
    var fallback: PostgresConnection?
    for configuration in settings.servers {
      do {
        let connection = try open(configuration)
        guard wanted != .any else { return connection }
        let state = try connection.simpleQuery("SELECT pg_is_in_recovery(), current_setting('transaction_read_only')")
        let inRecovery = state.first?.first == "t"
        let readOnly = state.first?.last == "on"
        guard let mismatch = wanted.mismatch(inRecovery: inRecovery, readOnly: readOnly) else { return connection }
        if wanted == .preferStandby && fallback == nil { fallback = connection }
        failures.append(PostgresError(endpoint: configuration.endpoint, message: mismatch))
      } catch {
        failures.append(error)
      }
    }
    if let fallback { return fallback }
    throw PostgresError.noServerReached(failures)
  }

  /// One host, as its sslmode says: `allow` tries plain text, then TLS when the server refused
  /// the session (an error from the server, such as pg_hba's); `prefer` the other way round.
  static func open(_ configuration: PostgresConfiguration) throws(PostgresError) -> PostgresConnection {
    do {
      return try PostgresConnection(configuration)
    } catch {
      let otherMode: PostgresSSLMode? =
        switch configuration.sslMode {
        case .allow: .require
        case .prefer: .disable
        default: nil
        }
      guard error.sqlState != nil, configuration.unixSocketPath == nil, let otherMode else { throw error }
      var other = configuration
      other.sslMode = otherMode
      return try PostgresConnection(other)
    }
  }
}
