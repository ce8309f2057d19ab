import Foundation
import Testing

/// What the commands print and accept: failed writes to stdout, control characters in tables, cut ids, the CSV codec, and global options.
@Suite struct OutputDefectTests {
  func bash(_ project: ProjectRunner, _ script: String) throws -> RunResult {
    try project.tool("/bin/bash", ["-c", "set -u\nP='\(ProjectRunner.binary)'\n" + script])
  }

  /// A service with a plain text field that may be empty.
  static let notes = """
    version: 1
    app: myapp
    data_dir: data
    services:
      notes:
        fields:
          title: { type: string }
          count: { type: integer }
          state: { type: enum, values: [open, done] }
          tags:  { type: array, items: string }
          extra: { type: any }

    """

  // MARK: Item 12: a failed write to stdout

  /// `/dev/full` fails every write with ENOSPC: exit 1 and one line, for buffered `print`
  /// output (`count`), streamed output (`list -o csv`) and `export --to -`.
  @Test(arguments: [
    ["svc", "example", "list", "-o", "csv"],
    ["svc", "example", "list"],
    ["svc", "example", "count"],
    ["svc", "example", "export", "--to", "-"],
    ["svc", "example", "export", "--to", "-", "--format", "ndjson"],
    ["services"],
  ])
  func aFailedWriteToStandardOutputIsExitOneWithOneLine(arguments: [String]) throws {
    let project = try ProjectRunner()
    _ = try project.add(["--name", "a"], backend: "sqlite")
    let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
    let result = try bash(project, "\"$P\" \(quoted) >/dev/full")
    #expect(result.status == 1, "\(result)")
    #expect(result.stderrLines == ["project: cannot write to standard output: no space left on device"], "\(result)")
  }

  /// A reader that has gone (`| true`, `| head -1`) ends the writer by SIGPIPE: status 141 in
  /// the shell, nothing on stderr, as `cat` ends. Also when the parent left SIGPIPE ignored.
  @Test(arguments: [false, true])
  func aClosedPipeEndsQuietlyBySIGPIPE(parentIgnoresSIGPIPE: Bool) throws {
    let project = try ProjectRunner()
    // Enough output to outlast the pipe's buffer.
    let many = (0..<400).map { #"{"name": "record \#($0) \#(String(repeating: "x", count: 300))"}"# }.joined(
      separator: "\n")
    try project.write(many, to: "many.ndjson")
    try project.succeed(["svc", "example", "import", "--from", "many.ndjson", "--target", "sqlite"])
    let result = try bash(
      project,
      (parentIgnoresSIGPIPE ? "trap '' PIPE\n" : "") + """
        ( sleep 0.3; exec "$P" svc example count 2>count.err ) | true
        echo "count ${PIPESTATUS[0]}"
        "$P" svc example list -o json 2>list.err | head -1 >/dev/null
        echo "list ${PIPESTATUS[0]}"
        "$P" svc example export --to - 2>export.err | head -c 10 >/dev/null
        echo "export ${PIPESTATUS[0]}"
        cat count.err list.err export.err
        """)
    #expect(result.stdout == "count 141\nlist 141\nexport 141\n", "\(result)")
    #expect(result.stderr == "", "\(result)")
  }

  // MARK: Item 13: control characters in tables

  /// ESC, BEL, CR, LF, tab, DEL and C1 controls in a value are shown escaped in a table — the
  /// escapes JSON and YAML output use — so a record cannot retitle, recolour or rewrite the
  /// terminal. The same value in YAML escapes DEL and C1 as well.
  @Test(arguments: allBackends)
  func tablesShowControlCharactersEscaped(backend: String) throws {
    let project = try ProjectRunner.on(backend)
    let hostile = #"{"name": "a\u001b]0;owned\u0007\u001b[31mred\r\nnext\tcol\u007f\u009bend\\"}"#
    let id = try project.add(["--json", hostile], backend: backend)
    let shown = #"a\u001b]0;owned\u0007\u001b[31mred\r\nnext\tcol\u007f\u009bend\"#
    for arguments in [["list"], ["get", id], ["list", "--fields", "name"]] {
      let out = try project.succeed(["svc", "example"] + arguments + ["--backend", backend])
      #expect(out.contains(shown), "\(arguments): \(out.debugDescription)")
      let controls = out.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
      #expect(controls.isEmpty, "\(arguments) printed raw control characters: \(out.debugDescription)")
      #expect(out.split(separator: "\n").count == 2, "one header and one row: \(out.debugDescription)")
    }
    let yaml = try project.succeed(["svc", "example", "get", id, "-o", "yaml", "--backend", backend])
    #expect(
      yaml.contains(#"name: "a\u001b]0;owned\u0007\u001b[31mred\r\nnext\tcol\u007f\u009bend\\""#),
      "\(yaml.debugDescription)")
  }

  // MARK: Item 18: the id column

  /// At 80 columns (and at 40, narrower than the whole table) every id is shown whole, so rows
  /// of the same millisecond stay apart; other columns are cut or left off instead. `--no-trunc`
  /// shows every cell whole, for `list` and `get`.
  @Test(arguments: allBackends)
  func theTableNeverCutsTheIdColumn(backend: String) throws {
    let project = try ProjectRunner.on(backend)
    let long = String(repeating: "long name ", count: 12)
    var ids: [String] = []
    for i in 0..<3 { ids.append(try project.add(["--name", "\(long)\(i)", "--tags", "a,b,c"], backend: backend)) }
    for columns in ["80", "40", "20"] {
      let result = try project.run(["svc", "example", "list", "--backend", backend], environment: ["COLUMNS": columns])
      let rows = result.stdoutLines.dropFirst()
      #expect(rows.map { String($0.prefix(36)) } == ids, "COLUMNS=\(columns):\n\(result.stdout)")
      if columns == "80" {
        #expect(result.stdoutLines.allSatisfy { $0.count <= 80 }, "\(result.stdout)")
        #expect(rows.allSatisfy { $0.contains("…") }, "the name is cut instead:\n\(result.stdout)")
      }
    }
    let whole = try project.run(
      ["svc", "example", "list", "--no-trunc", "--backend", backend], environment: ["COLUMNS": "40"])
    #expect(whole.status == 0 && whole.stdout.contains("\(long)2") && !whole.stdout.contains("…"), "\(whole)")
    #expect(whole.stdoutLines.first?.hasSuffix("CREATED_AT") == true, "\(whole)")
    let get = try project.run(
      ["svc", "example", "get", ids[1], "--no-trunc", "--backend", backend], environment: ["COLUMNS": "40"])
    #expect(get.status == 0 && get.stdout.contains("\(long)1") && !get.stdout.contains("…"), "\(get)")
  }

  // MARK: Item 17: one CSV codec

  func seedNotes(_ project: ProjectRunner) throws {
    for fields in [
      #"{"title": "", "count": 1, "state": "open", "tags": [], "extra": "text"}"#,
      #"{"title": "a, \"b\"\r\nsecond line", "count": 2, "tags": ["x", "y,z"], "extra": {"k": [1, 2.5, null]}}"#,
      #"{"title": "null", "extra": null}"#,
      #"{"count": 0, "tags": [""]}"#,
    ] {
      try project.succeed(["svc", "notes", "add", "--json", fields, "--backend", "sqlite"])
    }
  }

  /// `list -o csv` and `export` to CSV write the same bytes: CRLF rows, an empty string as `""`,
  /// null as `null`, a missing value as an empty cell. `export --to x.csv` without `--format`
  /// writes CSV (auto, from the extension); `.ndjson` NDJSON; `-` and `.json` JSON.
  @Test func listCSVAndExportCSVAreOneCodec() throws {
    let project = try ProjectRunner(manifest: Self.notes)
    try seedNotes(project)
    let listed = try project.succeed(["svc", "notes", "list", "-o", "csv", "--backend", "sqlite"])
    try project.succeed(["svc", "notes", "export", "--to", "out.csv"])
    let exported = try #require(project.read("out.csv"))
    #expect(listed == exported)
    let lines = exported.components(separatedBy: "\r\n")
    #expect(lines.first == "id,title,count,state,tags,extra,created_at,updated_at", "\(exported.debugDescription)")
    #expect(
      lines.count == 7 && lines.last == "",
      "a CRLF after every row, and the quoted CRLF inside: \(exported.debugDescription)")
    #expect(lines[1].contains(#","",1,open,[],"""text""","#), "\(lines[1])")
    #expect(
      !exported.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "no bare LF: \(exported.debugDescription)")
    #expect(exported.contains(#""a, ""b""\#r\#nsecond line""#), "\(exported.debugDescription)")
    #expect(lines[4].contains(#","null",,,,null,"#), "\(lines[4])")

    try project.succeed(["svc", "notes", "export", "--to", "out.ndjson"])
    #expect(project.read("out.ndjson")?.split(separator: "\n").count == 4)
    try project.succeed(["svc", "notes", "export", "--to", "out.json"])
    #expect(project.read("out.json")?.hasPrefix("{\n") == true)
    let stdout = try project.succeed(["svc", "notes", "export", "--to", "-"])
    #expect(stdout.hasPrefix("{\n"), "\(stdout)")
    let unknown = try project.run(["svc", "notes", "export", "--to", "x.csv", "--format", "tsv"])
    expectFailure(
      unknown, exitCode: 2,
      stderr:
        "project: invalid value 'tsv' for '--format'; expected auto, json, ndjson or csv; see 'project svc notes export --help'"
    )
  }

  /// `list -o csv | import --format csv` gives back the same records: ids, empty strings,
  /// nulls, missing values, line breaks, nested values and timestamps. Through a pipe as well
  /// as a file.
  @Test func listAsCSVImportsBackToTheSameRecords() throws {
    let project = try ProjectRunner(manifest: Self.notes)
    try seedNotes(project)
    let before = try project.succeed(["svc", "notes", "list", "-o", "json", "--backend", "sqlite"])
    let result = try bash(
      project,
      "\"$P\" svc notes list -o csv --backend sqlite | \"$P\" svc notes import --from - --format csv --target json")
    #expect(result.status == 0, "\(result)")
    #expect(try project.succeed(["svc", "notes", "list", "-o", "json", "--backend", "json"]) == before)

    try project.write(
      try project.succeed(["svc", "notes", "list", "-o", "csv", "--backend", "sqlite"]), to: "listed.csv")
    try FileManager.default.removeItem(atPath: project.path("data/json/notes_items.json"))
    try project.succeed(["svc", "notes", "import", "--from", "listed.csv", "--target", "json"])
    #expect(try project.succeed(["svc", "notes", "list", "-o", "json", "--backend", "json"]) == before)
  }

  /// A bad CSV lists every bad row (wrong cell count, a value of the wrong type, text after a
  /// closing quote, a record the schema refuses), each with the file and line, and imports
  /// nothing; a header naming a column twice is refused, naming the file.
  @Test func aBadCSVListsEveryBadRowAndNamesTheFile() throws {
    let project = try ProjectRunner(manifest: Self.notes)
    try project.write(
      "id,title,count\r\na,ok,1\r\nb,two cells\r\nc,x,many\r\nd,\"q\"x,1\r\ne,fine,2\nf,x,-\n", to: "bad.csv")
    let result = try project.run(["svc", "notes", "import", "--from", "bad.csv", "--target", "sqlite"])
    expectFailure(
      result, exitCode: 1,
      stderr: [
        "project: bad.csv:3: expected 3 cells as in the header, found 2",
        "project: bad.csv:4: count: expected integer, found \"many\"",
        "project: bad.csv:5: unexpected text after the closing quote of cell 2",
        "project: bad.csv:7: count: expected integer, found \"-\"",
        "project: nothing imported: 4 of 6 records are invalid",
      ])
    #expect(try project.succeed(["svc", "notes", "count", "--backend", "sqlite"]) == "0\n")

    try project.write("id,title,title\nx,a,b\n", to: "twice.csv")
    let twice = try project.run(["svc", "notes", "import", "--from", "twice.csv", "--target", "json"])
    expectFailure(twice, exitCode: 1, stderr: "project: twice.csv:1: column 'title' is given twice")
  }

  // MARK: Item 20: global options, svc help, boolean flags

  /// `--manifest` after the action (and between service and action) is the global option, in
  /// both spellings; an earlier one is overridden by a later one.
  @Test func theManifestOptionIsAcceptedAfterTheAction() throws {
    let project = try ProjectRunner(manifest: nil)
    try project.write(Manifests.withHosts, to: "conf/m.yaml")
    try project.write(Manifests.example, to: "other/m.yaml")
    for arguments in [
      ["svc", "hosts", "count", "--manifest", "conf/m.yaml"],
      ["svc", "hosts", "count", "--manifest=conf/m.yaml"],
      ["svc", "hosts", "--manifest", "conf/m.yaml", "count"],
      ["--manifest", "other/m.yaml", "svc", "hosts", "count", "--manifest", "conf/m.yaml"],
      ["svc", "hosts", "add", "--hostname", "h1", "--manifest", "conf/m.yaml", "--active", "no"],
    ] {
      let result = try project.run(arguments)
      #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
    }
    #expect(
      try project.succeed(["svc", "hosts", "list", "-o", "json", "--manifest", "conf/m.yaml"]).contains(
        #""active": false"#))
    let missing = try project.run(["svc", "hosts", "count", "--manifest"])
    expectFailure(missing, exitCode: 2, stderr: "project: missing value for '--manifest' (path); see 'project --help'")
  }

  /// `project svc --help` needs no project: outside one it prints the actions, exit 0.
  @Test func svcHelpOutsideAProjectPrintsHelp() throws {
    let project = try ProjectRunner(manifest: nil)
    for flag in ["--help", "-h"] {
      let result = try project.run(["svc", flag])
      #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
      #expect(result.stdout.hasPrefix("USAGE: project svc <service> <action> [options]\n"), "\(result)")
      #expect(result.stdout.contains("  count     Count records, filtered."), "\(result)")
    }
  }

  /// A word after a boolean field flag that is not a boolean is reported as the flag's bad
  /// value, not as an unexpected argument; `update <id> --active` and `update --active <id>`
  /// still work.
  @Test func aBooleanFlagSaysABooleanIsExpected() throws {
    let project = try ProjectRunner(manifest: Manifests.withHosts)
    let add = try project.run(["svc", "hosts", "add", "--hostname", "h1", "--active", "maybe"])
    expectFailure(
      add, exitCode: 2,
      stderr:
        "project: '--active' takes a boolean: true or false (also yes/no, on/off, 1/0), found 'maybe'; see 'project svc hosts add --help'"
    )
    try project.succeed(["svc", "hosts", "add", "--hostname", "h1", "--active", "no"])
    let update = try project.run(["svc", "hosts", "update", "h1", "--active", "maybe"])
    expectFailure(
      update, exitCode: 2,
      stderr:
        "project: '--active' takes a boolean: true or false (also yes/no, on/off, 1/0), found 'maybe'; see 'project svc hosts update --help'"
    )
    try project.succeed(["svc", "hosts", "update", "--active", "h1"])
    #expect(try project.succeed(["svc", "hosts", "get", "h1", "-o", "json"]).contains(#""active": true"#))
  }
}
