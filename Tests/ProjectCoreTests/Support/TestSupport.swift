import Foundation
import PostgresTestSupport
import Testing

@testable import ProjectCore

/// A fresh temporary folder, removed when the value goes away.
final class TemporaryFolder {
  let path: String

  init() {
    path = NSTemporaryDirectory() + "project-tests-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  func file(_ name: String) -> String { path + "/" + name }

  func write(_ text: String, to name: String) throws {
    let target = file(name)
    try FileManager.default.createDirectory(
      atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: target, atomically: false, encoding: .utf8)
  }

  func read(_ name: String) -> String? { try? String(contentsOfFile: file(name), encoding: .utf8) }
}

enum Fixtures {
  static let manifestText = """
    version: 1
    app: testapp
    data_dir: data
    services:
      example:
        description: Example items
        fields:
          name:   { type: string, required: true, min_length: 1 }
          count:  { type: integer, default: 0, minimum: 0 }
          score:  { type: number }
          ok:     { type: boolean }
          when:   { type: datetime }
          day:    { type: date }
          status: { type: enum, values: [active, archived], default: active }
          tags:   { type: array, items: string, default: [] }
          meta:   { type: object, additional: true }
          owner:
            type: object
            fields:
              team: { type: string, required: true }
              size: { type: integer }
          extra:  { type: any }
          email:  { type: string, unique: true }
        indexes: [status, owner.team]
    """

  /// The example service with its stores in a temporary folder.
  static func service(in folder: TemporaryFolder) throws -> ServiceDefinition {
    let manifest = try ManifestLoader.parse(Array(manifestText.utf8), path: folder.file("project.yaml"))
    return try #require(manifest.service(named: "example"))
  }

  /// The example service with a store on every backend: its files in a temporary folder, and a
  /// table no other test uses on the test PostgreSQL server (not created until a write).
  static func serviceOnEveryBackend(in folder: TemporaryFolder) throws -> ServiceDefinition {
    var definition = try service(in: folder)
    definition.stores.postgres = StoreSettings.Server(
      url: try PostgresTestServer.shared().connectionString, table: PostgresTestServer.uniqueTable("example"))
    return definition
  }
}

extension PostgresTestServer {
  /// The test role over TCP, TLS verified with the cluster's CA, as a libpq connection string.
  var connectionString: String {
    [
      "host=\(host)", "port=\(port)", "user=\(base.user)", "password=\(base.password ?? "")", "dbname=\(base.database)",
      "sslmode=verify-full", "sslrootcert=\(base.sslRootCertificate ?? "")",
    ].joined(separator: " ")
  }

  /// Whether the table exists on the server, asked on a connection of its own.
  func tableExists(_ table: String, schema: String = "public") throws -> Bool {
    let connection = try PostgresConnection(configuration())
    return try connection.rows("SELECT to_regclass($1) IS NOT NULL", [.text("\"\(schema)\".\"\(table)\"")]) == [["t"]]
  }
}

extension Backend: CustomTestStringConvertible {
  public var testDescription: String { rawValue }
}
