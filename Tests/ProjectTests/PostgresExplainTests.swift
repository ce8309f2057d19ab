import Foundation
import PostgresTestSupport
import ProjectCore
import Testing

/// `list --explain --backend postgres`: the statement, its parameters and PostgreSQL's plan,
/// read from the server the libpq variables lead to, and nothing written.
@Suite struct PostgresExplainTests {
  let server: PostgresTestServer
  let table = PostgresTestServer.uniqueTable("explain")
  let project: ProjectRunner

  init() throws {
    server = try PostgresTestServer.shared()
    let service = "    indexes: [status]\n"
    project = try ProjectRunner(
      manifest: Manifests.example.replacingOccurrences(
        of: service, with: service + "    stores: { postgres: { table: \(table) } }\n")
        + "postgres: { url: \"postgresql:///project_test\" }\n")
  }

  func tableExists() throws -> Bool {
    let connection = try PostgresConnection(server.configuration())
    return try connection.rows("SELECT to_regclass($1) IS NOT NULL", [.text("public.\(table)")]) == [["t"]]
  }

  func explain(_ filters: [String]) throws -> [String] {
    let out = try project.succeed(
      ["svc", "example", "list", "--explain", "--backend", "postgres"] + filters.flatMap { ["--where", $0] },
      environment: server.environment)
    return out.split(separator: "\n").map(String.init)
  }

  @Test func explainShowsTheStatementItsParametersAndThePlanAndWritesNothing() throws {
    let files = project.snapshot()
    // Before the table exists: the plan of the table as it would be made, which is then undone.
    let lines = try explain(["status=active"])
    #expect(
      lines.first
        == "SQL: SELECT id, data, created_at, updated_at FROM \"public\".\"\(table)\" WHERE ((data ->> 'status') COLLATE \"C\" = $1 AND json_typeof(data -> 'status') IN ('string', 'object', 'array')) ORDER BY \"created_at\", \"id\"",
      "\(lines)")
    #expect(lines.dropFirst().first == "PARAMETERS: \"active\"", "\(lines)")
    #expect(lines.dropFirst(2).first == "PLAN:", "\(lines)")
    #expect(lines.count > 3 && lines.dropFirst(3).allSatisfy { $0.hasPrefix("  ") }, "\(lines)")
    #expect(lines.contains { $0.contains("\(table)$status") }, "the plan does not use the status index: \(lines)")
    #expect(try !tableExists())

    // With the table and a record: the same, and the record is all there is.
    _ = try project.succeed(
      ["svc", "example", "add", "--name", "a", "--backend", "postgres"], environment: server.environment)
    #expect(try tableExists())
    let again = try explain(["status=active", "count>=3"])
    #expect(
      again.first?.hasPrefix("SQL: SELECT id, data, created_at, updated_at FROM \"public\".\"\(table)\" WHERE ") == true
    )
    #expect(again.dropFirst().first == "PARAMETERS: \"active\", 3", "\(again)")
    #expect(again.contains("PLAN:") && again.last?.hasPrefix("  ") == true, "\(again)")
    let count = try project.succeed(
      ["svc", "example", "count", "--backend", "postgres"], environment: server.environment)
    #expect(count == "1\n")
    #expect(project.snapshot() == files)
  }
}
