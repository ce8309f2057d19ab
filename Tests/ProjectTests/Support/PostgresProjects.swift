import Foundation
import PostgresTestSupport
import Testing

/// Every backend the binary has, for end-to-end tests that run on each.
let allBackends = ["json", "sqlite", "postgres"]

extension ProjectRunner {
  /// A fresh runner whose manifest can reach `backend`. For postgres, the manifest gains a
  /// `postgres:` section and a table of its own for every service (so that tests run side by side
  /// on the one test server), and every run gets the PG* variables that lead to that server.
  /// Without PostgreSQL, this throws: the test fails, it does not skip.
  static func on(_ backend: String, manifest: String = Manifests.example) throws -> ProjectRunner {
    guard backend == "postgres" else { return try ProjectRunner(manifest: manifest) }
    let server = try PostgresTestServer.shared()
    let (text, tables) = Manifests.onPostgres(manifest)
    let project = try ProjectRunner(manifest: text)
    project.baseEnvironment = server.environment
    project.postgresTables = tables
    return project
  }

  /// Replaces the manifest, keeping each service's PostgreSQL table (a service new to the
  /// manifest gets a table of its own).
  func writeManifest(_ manifest: String) throws {
    guard !postgresTables.isEmpty else { return try write(manifest, to: "project.yaml") }
    let (text, tables) = Manifests.onPostgres(manifest, tables: postgresTables)
    postgresTables = tables
    try write(text, to: "project.yaml")
  }

  /// Where a backend's errors say a service's records live, for the default store paths of an
  /// `app: myapp` manifest.
  func location(_ backend: String, service: String = "example") -> String {
    switch backend {
    case "json": return "data/json/\(service)_items.json"
    case "sqlite": return "data/db/myapp.db (table \(service)_items)"
    default: return "PostgreSQL table public.\(postgresTables[service] ?? "\(service)_items")"
    }
  }

  /// Runs `psql` on the test server's database as the test role (Debian package `postgresql`).
  func psql(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let result = try tool("/usr/bin/psql", ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
    try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
    return result.stdout
  }
}

extension Manifests {
  /// `manifest` with a `postgres:` section (the server comes from the PG* variables) and, under
  /// every service, `stores: postgres: table:` naming its table in `tables`, or else a table no
  /// other test uses.
  static func onPostgres(_ manifest: String, tables known: [String: String] = [:]) -> (
    manifest: String, tables: [String: String]
  ) {
    var lines: [String] = []
    var tables = known
    var inServices = false
    var service: String?
    for line in manifest.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if line == "services:" {
        lines.append("postgres:\n  url: \"postgresql:///project_test\"")
        inServices = true
        lines.append(line)
        continue
      }
      lines.append(line)
      guard inServices else { continue }
      if let match = line.wholeMatch(of: #/  ([a-z][a-z0-9_]*):\s*/#) {
        let name = String(match.1)
        let table = tables[name] ?? PostgresTestServer.uniqueTable(name)
        tables[name] = table
        service = name
        lines.append("    stores: { postgres: { table: \(table) } }")
      } else if line.wholeMatch(of: #/    stores:\s*/#) != nil, let service, let table = tables[service] {
        // The service names its own stores: the postgres one joins them, replacing the line above.
        if let index = lines.lastIndex(of: "    stores: { postgres: { table: \(table) } }") {
          lines.remove(at: index)
        }
        lines.append("      postgres: { table: \(table) }")
      }
    }
    return (lines.joined(separator: "\n"), tables)
  }
}
