import Foundation
import Testing

/// The SQLite database stays readable by the stock `sqlite3` shell, in the documented shape.
@Suite(.enabled(if: hasSQLiteShell, "needs /usr/bin/sqlite3"))
struct SQLiteFileTests {
  static let db = "data/db/myapp.db"

  func sql(_ project: ProjectRunner, _ query: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let result = try project.tool(sqliteShell, ["-batch", "-separator", "|", Self.db, query])
    try #require(result.status == 0 && result.stderr == "", "\(result)", sourceLocation: sourceLocation)
    return result.stdout
  }

  @Test func databaseHasTheDocumentedTableShapeInWALMode() throws {
    let project = try ProjectRunner()
    let id = try project.add(["--name", "Alpha", "--count", "3", "--tags", "a,b", "--meta", #"{"k":1}"#], backend: "sqlite")

    #expect(try sql(project, "PRAGMA journal_mode;") == "wal\n")
    #expect(try sql(project, "PRAGMA page_size;") == "16384\n")
    let columns = try sql(project, "SELECT name, type, \"notnull\", pk FROM pragma_table_info('example_items') ORDER BY cid;")
    #expect(columns == "id|TEXT|0|1\ndata|TEXT|1|0\ncreated_at|TEXT|1|0\nupdated_at|TEXT|1|0\n")

    let row = try sql(project, "SELECT id, created_at, updated_at FROM example_items;")
    let record = try #require(try project.json(["svc", "example", "get", id, "-o", "json"])[0])
    let createdAt = try #require(record["created_at"]?.string)
    #expect(row == "\(id)|\(createdAt)|\(createdAt)\n")

    let data = try JSON.parse(try sql(project, "SELECT data FROM example_items WHERE id = '\(id)';"))
    #expect(data == .object([
      .init(key: "name", value: .string("Alpha")),
      .init(key: "count", value: .int(3)),
      .init(key: "status", value: .string("active")),
      .init(key: "tags", value: .array([.string("a"), .string("b")])),
      .init(key: "meta", value: .object([.init(key: "k", value: .int(1))])),
    ]))
    #expect(try sql(project, "SELECT json_type(data, '$.count'), json_extract(data, '$.status') FROM example_items;") == "integer|active\n")
  }

  @Test func aDatabaseMadeElsewhereKeepsItsPageSize() throws {
    let project = try ProjectRunner()
    try FileManager.default.createDirectory(atPath: project.path("data/db"), withIntermediateDirectories: true)
    _ = try sql(project, "PRAGMA page_size = 4096; CREATE TABLE other (x);")
    _ = try project.add(["--name", "Alpha"], backend: "sqlite")
    #expect(try sql(project, "PRAGMA page_size;") == "4096\n")
    #expect(try sql(project, "PRAGMA journal_mode;") == "wal\n")
    #expect(try sql(project, "SELECT count(*) FROM example_items;") == "1\n")
  }

  @Test func rowsWrittenByTheShellAreReadBack() throws {
    let project = try ProjectRunner()
    _ = try project.add(["--name", "seed"], backend: "sqlite")
    _ = try sql(project, """
      INSERT INTO example_items (id, data, created_at, updated_at)
      VALUES ('by-shell', '{"name":"Shell","count":12,"status":"archived","tags":["t"]}', '2025-01-02T03:04:05.678Z', '2025-01-02T03:04:05.678Z');
      """)
    let record = try #require(try project.json(["svc", "example", "get", "by-shell", "-o", "json", "--backend", "sqlite"])[0])
    #expect(record["name"] == .string("Shell"))
    #expect(record["count"] == .int(12))
    #expect(record["created_at"] == .string("2025-01-02T03:04:05.678Z"))
    let archived = try project.json(["svc", "example", "list", "--where", "status=archived", "-o", "json", "--backend", "sqlite"])
    #expect(archived.array?.map { $0["id"] } == [.string("by-shell")])
  }
}
