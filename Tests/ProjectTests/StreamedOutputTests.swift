import Foundation
import Testing

/// `list` writes JSON and NDJSON from the stored text on a database store, and lays a table out
/// from its first 100 rows, then streams the rest.
@Suite struct StreamedOutputTests {
  static let manifest = """
    version: 1
    app: myapp
    data_dir: data
    services:
      hosts:
        id: { field: hostname }
        fields:
          hostname: { type: string, required: true }
          note:     { type: string }

    """

  /// 150 hosts, created one second apart so that the default order is theirs: short names and
  /// notes, except host 99 (the last one sizing the table) with a wider note and host 120 with a
  /// long name and note.
  static func project() throws -> ProjectRunner {
    let project = try ProjectRunner(manifest: manifest)
    var lines: [String] = []
    for i in 0..<150 {
      let name = i == 120 ? "a-much-longer-hostname-120" : String(format: "h%03d", i)
      let note = i == 99 ? "ninety-nine is wide" : i == 120 ? "a note much longer than the first hundred" : "short"
      let stamp = String(format: "2026-01-01T00:%02d:%02d.000Z", i / 60, i % 60)
      lines.append(#"{"hostname":"\#(name)","note":"\#(note)","created_at":"\#(stamp)","updated_at":"\#(stamp)"}"#)
    }
    try project.write(lines.joined(separator: "\n") + "\n", to: "hosts.ndjson")
    let imported = try project.run(["svc", "hosts", "import", "--from", "hosts.ndjson", "--target", "sqlite"])
    #expect(imported.status == 0, "\(imported)")
    return project
  }

  @Test func aFittedTableIsSizedByItsFirstHundredRowsAndCutsLaterValuesButNeverTheID() throws {
    let project = try Self.project()
    let result = try project.run(["svc", "hosts", "list"], environment: ["COLUMNS": "200"])
    #expect(result.status == 0 && result.stderr == "", "\(result)")
    let lines = result.stdoutLines
    #expect(lines.count == 151)
    #expect(lines.first == "ID    HOSTNAME  NOTE                 CREATED_AT")
    #expect(lines[1] == "h000  h000      short                2026-01-01T00:00:00.000Z")
    #expect(lines[100] == "h099  h099      ninety-nine is wide  2026-01-01T00:01:39.000Z")
    #expect(lines[121] == "a-much-longer-hostname-120  a-much-…  a note much longer…  2026-01-01T00:02:00.000Z")
    #expect(lines[150] == "h149  h149      short                2026-01-01T00:02:29.000Z")
  }

  @Test func anUnfittedTableOverflowsLaterWideValuesWhole() throws {
    let project = try Self.project()
    for arguments in [["svc", "hosts", "list"], ["svc", "hosts", "list", "--no-trunc"]] {
      let environment = arguments.count == 4 ? ["COLUMNS": "60"] : [:]
      let result = try project.run(arguments, environment: environment)
      #expect(result.status == 0 && result.stderr == "", "\(result)")
      #expect(result.stdoutLines.first == "ID    HOSTNAME  NOTE                 CREATED_AT")
      #expect(
        result.stdoutLines[121]
          == "a-much-longer-hostname-120  a-much-longer-hostname-120  a note much longer than the first hundred  2026-01-01T00:02:00.000Z"
      )
    }
  }

  /// Rows a user or another program wrote by hand (keys out of order, spaces, an exponent, an
  /// escaped slash) come out as the tree path writes them, beside rows this tool wrote.
  @Test func jsonAndNdjsonFromStoredTextMatchTheFieldByFieldOutput() throws {
    let project = try ProjectRunner()
    _ = try project.add(["--name", "tool \"written\" é", "--tags", "a,b", "--set", "meta.k=1.5"], backend: "sqlite")
    let insert = try project.tool(
      "/usr/bin/sqlite3",
      [
        project.path("data/db/myapp.db"),
        #"INSERT INTO example_items VALUES ('hand', '{ "status": "active", "name": "a\/b", "count": 1E2, "meta": {"z": [1.50, {}]} }', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')"#,
      ])
    #expect(insert.status == 0, "\(insert)")
    let all = "id,name,count,status,tags,meta,created_at,updated_at"
    for format in ["json", "ndjson"] {
      let stored = try project.run(["svc", "example", "list", "-o", format, "--backend", "sqlite"])
      let tree = try project.run(["svc", "example", "list", "-o", format, "--fields", all, "--backend", "sqlite"])
      #expect(stored.status == 0 && stored.stdout == tree.stdout, "\(stored)\n\(tree)")
      #expect(stored.stdout.contains(#""name":"a/b","count":100.0"#) || stored.stdout.contains(#""count": 100.0"#))
    }
  }
}

extension StreamedOutputTests {
  /// A row with whitespace before its object is listed as the record path lists it; a row that
  /// `JSONReader` refuses, or that is not an object, stops `-o ndjson` and `-o json` with the
  /// sentence the record path (`-o yaml`) gives.
  @Test func storedTextIsCheckedAsTheRecordPathChecksIt() throws {
    let project = try ProjectRunner()
    _ = try project.add(["--name", "first"], backend: "sqlite")
    func insert(_ id: String, _ data: String) throws {
      let result = try project.tool(
        "/usr/bin/sqlite3",
        [
          project.path("data/db/myapp.db"),
          "INSERT INTO example_items VALUES ('\(id)', '\(data)', '2027-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z')",
        ])
      #expect(result.status == 0, "\(result)")
    }
    try insert("spaced", #" {"name":"s"}"#)
    let all = "id,name,count,status,tags,meta,created_at,updated_at"
    let stored = try project.run(["svc", "example", "list", "-o", "ndjson"])
    let tree = try project.run(["svc", "example", "list", "-o", "ndjson", "--fields", all])
    #expect(stored.status == 0 && stored.stderr == "" && stored.stdout == tree.stdout, "\(stored)\n\(tree)")
    #expect(stored.stdoutLines.last?.hasPrefix(#"{"id":"spaced","name":"s","#) == true, "\(stored)")
    try insert("broken", #"{"name":"b","count":1e999}"#)
    let location = "project: data/db/myapp.db (table example_items): record 'broken': "
    for (data, message) in [
      (#"{"name":"b","count":1e999}"#, "data is not valid JSON (1:21: number out of range)"),
      ("[1]", "data is not a JSON object"),
    ] {
      let update = try project.tool(
        "/usr/bin/sqlite3",
        [project.path("data/db/myapp.db"), "UPDATE example_items SET data = '\(data)' WHERE id = 'broken'"])
      #expect(update.status == 0, "\(update)")
      for format in ["ndjson", "json", "yaml"] {
        let result = try project.run(["svc", "example", "list", "-o", format])
        #expect(result.status == 1 && result.stderr == location + message + "\n", "\(result)")
      }
    }
  }
}
