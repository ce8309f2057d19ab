import Foundation
import ProjectCore
import Testing

/// The throwaway PostgreSQL cluster the tests connect to, started once per test process by
/// `scripts/postgres-test-server.sh` and stopped (its folder removed) when the process exits.
/// Without PostgreSQL, `shared` throws and every test that uses it fails.
public final class PostgresTestServer: Sendable {
  public let folder: String
  /// The test role over TCP, with sslmode=require and the cluster's CA.
  public let base: PostgresConfiguration
  public var host: String { base.host }
  public var port: Int { base.port }

  static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("scripts/postgres-test-server.sh").path

  private static let started: Result<PostgresTestServer, StartFailure> = launch("start")

  /// A hot standby of the shared server (`start-standby`), started on first use.
  private static let startedStandby: Result<PostgresTestServer, StartFailure> = {
    switch started {
    case .success(let primary): return launch("start-standby", primary.folder)
    case .failure(let failure): return .failure(failure)
    }
  }()

  /// Runs the script's `action` for a new folder and reads the `env` it wrote; the folder is
  /// removed when the process exits.
  static func launch(_ action: String, _ arguments: String...) -> Result<PostgresTestServer, StartFailure> {
    let folder = NSTemporaryDirectory() + "project-postgres-" + UUID().uuidString
    let (status, output) = runScript([action] + arguments + [folder])
    guard status == 0 else {
      _ = runScript(["stop", folder])
      return .failure(StartFailure(description: "the PostgreSQL test server did not start: \(output)"))
    }
    if foldersToStop.isEmpty {
      // The standby, started last, goes first.
      atexit {
        for folder in PostgresTestServer.foldersToStop.reversed() {
          _ = PostgresTestServer.runScript(["stop", folder])
        }
      }
    }
    foldersToStop.append(folder)
    guard let text = try? String(contentsOfFile: folder + "/env", encoding: .utf8) else {
      return .failure(StartFailure(description: "the PostgreSQL test server wrote no \(folder)/env"))
    }
    var values: [String: String] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: "=", maxSplits: 1)
      if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
    }
    let base = PostgresConfiguration(
      host: values["PGHOST"] ?? "", port: Int(values["PGPORT"] ?? "") ?? 0, user: values["PGUSER"] ?? "",
      password: values["PGPASSWORD"], database: values["PGDATABASE"] ?? "", sslMode: .require,
      sslRootCertificate: values["PGSSLROOTCERT"])
    return .success(PostgresTestServer(folder: folder, base: base))
  }

  nonisolated(unsafe) private static var foldersToStop: [String] = []

  public struct StartFailure: Error, CustomStringConvertible { public let description: String }

  public static func shared() throws -> PostgresTestServer { try started.get() }

  /// A hot standby of `shared()`: the same role, password and TLS files, its own port and socket.
  public static func standby() throws -> PostgresTestServer { try startedStandby.get() }

  private init(folder: String, base: PostgresConfiguration) {
    self.folder = folder
    self.base = base
  }

  /// The test role over TCP with the given TLS mode.
  public func configuration(sslMode: PostgresSSLMode = .require) -> PostgresConfiguration {
    var configuration = base
    configuration.sslMode = sslMode
    return configuration
  }

  /// The libpq environment variables that lead `project` to this server as the test role
  /// (TCP, TLS verified with the cluster's CA); `PGSOCKETDIR` names the Unix socket's folder.
  public var environment: [String: String] {
    [
      "PGHOST": base.host, "PGPORT": String(base.port), "PGUSER": base.user, "PGPASSWORD": base.password ?? "",
      "PGDATABASE": base.database, "PGSSLMODE": "verify-full", "PGSSLROOTCERT": base.sslRootCertificate ?? "",
    ]
  }

  /// A table name no other test uses, so that tests run side by side on one server.
  public static func uniqueTable(_ prefix: String = "t") -> String {
    prefix + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
  }

  /// Runs a command, returning its exit status and its stdout and stderr together. Through
  /// `system` and a file: Foundation's Process hangs when waited for inside a lazy static.
  public static func run(_ executable: String, _ arguments: [String]) -> (Int32, String) {
    let output = NSTemporaryDirectory() + "project-postgres-output-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: output) }
    let command = ([executable] + arguments).map(quoted).joined(separator: " ") + " >" + quoted(output) + " 2>&1"
    let status = system(command)
    let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    return (status == 0 ? 0 : max(1, status >> 8), text)
  }

  private static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

  static func runScript(_ arguments: [String]) -> (Int32, String) {
    run("/bin/bash", [script] + arguments)
  }
}
