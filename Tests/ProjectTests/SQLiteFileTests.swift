import Foundation
import Testing

/// The SQLite database stays readable by the stock `sqlite3` shell, in the documented shape.
@Suite
struct SQLiteFileTests {
  static let db = "data/db/myapp.db"

  func sql(_ project: ProjectRunner, _ query: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> String
  {
    let result = try project.tool(sqliteShell, ["-batch", "-separator", "|", Self.db, query])
    try #require(result.status == 0 && result.stderr == "", "\(result)", sourceLocation: sourceLocation)
    return result.stdout
  }

  @Test func databaseHasTheDocumentedTableShapeInWALMode() throws {
    let project = try ProjectRunner()
    let id = try project.add(
      ["--name", "Alpha", "--count", "3", "--tags", "a,b", "--meta", #"{"k":1}"#], backend: "sqlite")

    #expect(try sql(project, "PRAGMA journal_mode;") == "wal\n")
    #expect(try sql(project, "PRAGMA page_size;") == "16384\n")
    let columns = try sql(
      project, "SELECT name, type, \"notnull\", pk FROM pragma_table_info('example_items') ORDER BY cid;")
    #expect(columns == "id|TEXT|0|1\ndata|TEXT|1|0\ncreated_at|TEXT|1|0\nupdated_at|TEXT|1|0\n")

    let row = try sql(project, "SELECT id, created_at, updated_at FROM example_items;")
    let record = try #require(try project.json(["svc", "example", "get", id, "-o", "json"])[0])
    let createdAt = try #require(record["created_at"]?.string)
    #expect(row == "\(id)|\(createdAt)|\(createdAt)\n")

    let data = try JSON.parse(try sql(project, "SELECT data FROM example_items WHERE id = '\(id)';"))
    #expect(
      data
        == .object([
          .init(key: "name", value: .string("Alpha")),
          .init(key: "count", value: .int(3)),
          .init(key: "status", value: .string("active")),
          .init(key: "tags", value: .array([.string("a"), .string("b")])),
          .init(key: "meta", value: .object([.init(key: "k", value: .int(1))])),
        ]))
    #expect(
      try sql(project, "SELECT json_type(data, '$.count'), json_extract(data, '$.status') FROM example_items;")
        == "integer|active\n")
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
    _ = try sql(
      project,
      """
      INSERT INTO example_items (id, data, created_at, updated_at)
      VALUES ('by-shell', '{"name":"Shell","count":12,"status":"archived","tags":["t"]}', '2025-01-02T03:04:05.678Z', '2025-01-02T03:04:05.678Z');
      """)
    let record = try #require(
      try project.json(["svc", "example", "get", "by-shell", "-o", "json", "--backend", "sqlite"])[0])
    #expect(record["name"] == .string("Shell"))
    #expect(record["count"] == .int(12))
    #expect(record["created_at"] == .string("2025-01-02T03:04:05.678Z"))
    let archived = try project.json([
      "svc", "example", "list", "--where", "status=archived", "-o", "json", "--backend", "sqlite",
    ])
    #expect(archived.array?.map { $0["id"] } == [.string("by-shell")])
  }

  // MARK: Loads into a new database or an empty table

  /// A service with two field indexes (one on a nested field) and a unique field.
  static let loadManifest = """
    version: 1
    app: myapp
    data_dir: data
    services:
      items:
        fields:
          name:   { type: string, required: true }
          sku:    { type: string, unique: true }
          status: { type: enum, values: [active, archived], default: active }
          owner:  { type: object, fields: { team: { type: string } } }
          size:   { type: number }
        indexes: [status, owner.team, size]

    """

  /// `count` records: every third archived, teams t0 to t4 in turn, sizes whole and not;
  /// `sku` numbered from `firstSKU`; names with escapes and beyond ASCII now and then.
  static func records(_ count: Int, firstSKU: Int = 0, last: String? = nil) -> String {
    var lines = (0..<count).map { i in
      let name = i % 7 == 0 ? #"n\"\#(i)\\ \u00fc é"# : "n\(i)"
      let size = i % 4 == 0 ? "\(i).5" : "\(i)"
      return
        #"{"name": "\#(name)", "sku": "s\#(firstSKU + i)", "status": "\#(i % 3 == 0 ? "archived" : "active")", "owner": {"team": "t\#(i % 5)"}, "size": \#(size)}"#
    }
    if let last { lines.append(last) }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Each index of the table as `name|sql`, by name.
  func indexes(_ project: ProjectRunner) throws -> String {
    try sql(
      project, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items_items' ORDER BY name;")
  }

  /// The indexes a database gets from its first `add`.
  func referenceIndexes() throws -> String {
    let reference = try ProjectRunner(manifest: Self.loadManifest)
    _ = try reference.add(["--name", "x", "--sku", "y"], backend: "sqlite", service: "items")
    return try indexes(reference)
  }

  func importItems(_ project: ProjectRunner, _ file: String) -> RunResult {
    (try? project.run(["svc", "items", "import", "--from", file, "--target", "sqlite"]))
      ?? RunResult(arguments: [], stdout: "", stderr: "did not run", status: -1, signaled: false)
  }

  /// The table's indexes hold exactly its rows, and queries use them.
  func expectIndexesServe(_ project: ProjectRunner, rows: Int, sourceLocation: SourceLocation = #_sourceLocation) throws
  {
    #expect(try sql(project, "PRAGMA integrity_check;") == "ok\n", sourceLocation: sourceLocation)
    #expect(try sql(project, "SELECT count(*) FROM items_items;") == "\(rows)\n", sourceLocation: sourceLocation)
    let archived = (rows + 2) / 3
    #expect(
      try sql(
        project,
        #"SELECT count(*) FROM items_items INDEXED BY "items_items$status" WHERE json_extract(data, '$.status') = 'archived';"#
      ) == "\(archived)\n", sourceLocation: sourceLocation)
    #expect(
      try sql(
        project,
        #"SELECT count(*) FROM items_items INDEXED BY "items_items$owner.team" WHERE json_extract(data, '$.owner.team') = 't1';"#
      ) == "\((rows + 3) / 5)\n", sourceLocation: sourceLocation)
    #expect(
      try sql(
        project,
        #"SELECT count(*) FROM items_items INDEXED BY "items_items$size" WHERE json_extract(data, '$.size') >= 0;"#)
        == "\(rows)\n", sourceLocation: sourceLocation)
    let explain = try project.succeed([
      "svc", "items", "list", "--explain", "--backend", "sqlite", "--where", "status=archived",
    ])
    #expect(explain.contains("items_items$status"), "\(explain)", sourceLocation: sourceLocation)
    let listed = try project.json([
      "svc", "items", "list", "--backend", "sqlite", "--where", "status=archived", "-o", "json",
    ])
    #expect(listed.array?.count == archived, sourceLocation: sourceLocation)
  }

  /// Imports `records` into a database file that does not exist yet, and checks what any such
  /// load must leave, whether it succeeded or not: a file in WAL mode with 16 KiB pages and no
  /// journal beside it, the indexes a first `add` makes, holding `rows` rows.
  func loadIntoANewDatabase(_ records: String, rows: Int, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> RunResult
  {
    let reference = try referenceIndexes()
    #expect(
      reference.contains("items_items$owner.team") && reference.contains("items_items_sku_unique"), "\(reference)",
      sourceLocation: sourceLocation)
    let project = try ProjectRunner(manifest: Self.loadManifest)
    try project.write(records, to: "items.ndjson")
    let result = importItems(project, "items.ndjson")
    #expect(try sql(project, "PRAGMA journal_mode;") == "wal\n", sourceLocation: sourceLocation)
    #expect(try sql(project, "PRAGMA page_size;") == "16384\n", sourceLocation: sourceLocation)
    #expect(try indexes(project) == reference, sourceLocation: sourceLocation)
    #expect(!project.exists(Self.db + "-journal"), sourceLocation: sourceLocation)
    try expectIndexesServe(project, rows: rows, sourceLocation: sourceLocation)
    return result
  }

  /// An import into a database file that does not exist yet is written without WAL, then
  /// switched to it; its field indexes are built after the rows. The file ends as any other.
  @Test func aLoadIntoANewDatabaseEndsInWALModeWithEveryIndex() throws {
    let loaded = try loadIntoANewDatabase(Self.records(3000), rows: 3000)
    #expect(loaded.status == 0, "\(loaded)")
  }

  /// A clash on a unique field in a load into a new database names the record, writes no row,
  /// and leaves the file in WAL mode with every index.
  @Test func aFailedLoadIntoANewDatabaseLeavesAnEmptyTable() throws {
    let failed = try loadIntoANewDatabase(Self.records(3000, last: #"{"name": "again", "sku": "s2500"}"#), rows: 0)
    #expect(failed.status == 1 && failed.stderr.contains("sku") && failed.stderr.contains("s2500"), "\(failed)")
  }

  /// Into an empty table of a database that exists, the field indexes are dropped and built
  /// again inside the import's transaction: a failed import puts them back as they were.
  @Test func aLoadIntoAnEmptyTableRebuildsItsIndexesInItsTransaction() throws {
    let reference = try referenceIndexes()
    let project = try ProjectRunner(manifest: Self.loadManifest)
    let id = try project.add(["--name", "gone", "--sku", "g"], backend: "sqlite", service: "items")
    _ = try project.succeed(["svc", "items", "delete", id, "--backend", "sqlite"])

    try project.write(Self.records(3000, last: #"{"name": "bad", "status": "bogus"}"#), to: "bad.ndjson")
    let failed = importItems(project, "bad.ndjson")
    #expect(failed.status == 1 && failed.stderr.contains("bogus"), "\(failed)")
    #expect(try indexes(project) == reference)
    try expectIndexesServe(project, rows: 0)

    try project.write(Self.records(3000), to: "items.ndjson")
    let loaded = importItems(project, "items.ndjson")
    #expect(loaded.status == 0, "\(loaded)")
    #expect(try indexes(project) == reference)
    try expectIndexesServe(project, rows: 3000)

    // A second load goes into a table that holds rows: the indexes grow row by row.
    try project.write(Self.records(3000, firstSKU: 3000), to: "more.ndjson")
    let more = importItems(project, "more.ndjson")
    #expect(more.status == 0, "\(more)")
    #expect(try indexes(project) == reference)
    try expectIndexesServe(project, rows: 6000)
  }
}
