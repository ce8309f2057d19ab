import Foundation

/// A cluster of one test's own, for the tests that stop, restart or reconfigure their server:
/// the shared one is never stopped.
extension PostgresTestServer {
  /// Starts a new cluster as `shared()` is started (its own folder, port, CA and password);
  /// `remove()` stops it and deletes its folder, and the process's exit does if the test did not.
  public static func own() throws -> PostgresTestServer { try launch("start").get() }

  /// Runs `pg_ctl` on this cluster: `stop` (fast), `stop-immediate`, `start` or `restart`
  /// (fast), waiting until it is done. Throws with the script's output when it fails.
  public func server(_ action: String) throws {
    let (status, output) = Self.runScript(["server", action, folder])
    guard status == 0 else { throw StartFailure(description: "pg_ctl \(action) failed: \(output)") }
  }

  /// Runs `sql` as the superuser over the Unix socket, in the database `project_test`, and
  /// returns its rows unaligned (`|` between columns), one a line.
  public func superuserSQL(_ sql: String) throws -> String {
    let (status, output) = Self.runScript(["sql", sql, folder])
    guard status == 0 else { throw StartFailure(description: "\(sql) failed: \(output)") }
    return output
  }

  /// Stops the cluster at once and deletes its folder.
  public func remove() { _ = Self.runScript(["stop", folder]) }
}
