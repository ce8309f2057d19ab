/// Which kind of session a connection must end in, as libpq's `target_session_attrs` says;
/// a host whose session does not fit is passed over for the next.
public enum PostgresTargetSessionAttributes: String, CaseIterable, Sendable {
  /// Any session.
  case any
  /// A session that can write (not a standby, not `default_transaction_read_only`).
  case readWrite = "read-write"
  /// A session that cannot write (a standby, or `default_transaction_read_only`).
  case readOnly = "read-only"
  /// A server not in recovery.
  case primary
  /// A server in recovery (a hot standby).
  case standby
  /// A standby if any host is one; else, on a second pass, any session.
  case preferStandby = "prefer-standby"

  /// Why a session does not fit, or nil when it does. `inRecovery` is `pg_is_in_recovery()`,
  /// `readOnly` the session's `transaction_read_only`.
  func mismatch(inRecovery: Bool, readOnly: Bool) -> String? {
    let needs = "target_session_attrs=\(rawValue) needs"
    switch self {
    case .any:
      return nil
    case .readWrite where inRecovery, .primary where inRecovery:
      return "the server is a standby, and \(needs) a primary"
    case .readWrite where readOnly:
      return "the session is read-only (default_transaction_read_only), and \(needs) one that can write"
    case .readOnly where !readOnly:
      return "the session can write, and \(needs) a read-only one"
    case .standby where !inRecovery, .preferStandby where !inRecovery:
      return "the server is a primary, and \(needs) a standby"
    case .readWrite, .readOnly, .primary, .standby, .preferStandby:
      return nil
    }
  }
}
