import Foundation
import Testing

/// `list` and `get` print formats that standard tools read back into the very values that were
/// added: JSON through jq and Python's json, NDJSON line by line, CSV through Python's csv module,
/// YAML through PyYAML, and tables whose columns line up in a terminal. Also `--fields`, the order
/// of `get`, the output of `count`, `delete --where` without `--yes`, and `list --explain`.
@Suite struct OutputFormatTests {
  static let backends = allBackends
  static let python = "/usr/bin/python3"
  static let jq = "/usr/bin/jq"

  /// Whether Python can `import yaml` (PyYAML, Debian package `python3-yaml`); the YAML test
  /// needs it, and fails without it.
  static let hasPyYAML: Bool = {
    guard FileManager.default.isExecutableFile(atPath: python) else { return false }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", "import yaml"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
  }()

  /// A service with every field type; `status` is indexed.
  static let manifest = """
    version: 1
    app: myapp
    data_dir: data
    services:
      example:
        description: Every field type
        fields:
          name:   { type: string, required: true, min_length: 1 }
          count:  { type: integer, default: 0, minimum: 0 }
          score:  { type: number }
          ok:     { type: boolean }
          status: { type: enum, values: [active, archived], default: active }
          seen:   { type: datetime }
          day:    { type: date }
          tags:   { type: array, items: string, default: [] }
          owner:
            type: object
            fields:
              team: { type: string }
              size: { type: integer }
          meta:   { type: object, additional: true }
          extra:  { type: any }
        indexes: [status]

    """

  /// The schema's fields in order: the CSV header is `id`, these, `created_at`, `updated_at`.
  static let fieldNames = ["name", "count", "score", "ok", "status", "seen", "day", "tags", "owner", "meta", "extra"]

  /// One record to add: the `--json` text, and the defaults the schema fills in for it.
  struct Sample {
    var input: String
    var defaults: String
  }

  static let samples: [Sample] = [
    // Emoji, a combining accent (e + U+0301) and CJK; 2.5; nested object and array; null in `any`.
    Sample(
      input: #"""
        {"name": "Zoë 🚀 e\u0301 — 日本語", "count": 3, "score": 2.5, "ok": true, "status": "active",
         "seen": "2026-11-30T16:04:45.123Z", "day": "2026-01-31", "tags": ["a", "b,c", "🚀"],
         "owner": {"team": "red", "size": 4}, "meta": {"owner": "ops", "n": {"x": [1, 2.5, null, true]}},
         "extra": null}
        """#,
      defaults: ""),
    // Comma, double quote, newline and a leading space; 1.0 stays a double; false; an array in `any`.
    Sample(
      input: #"""
        {"name": " a, \"q\"\nline", "count": 0, "score": 1.0, "ok": false, "status": "archived",
         "meta": {"owner": "dba", "size": 1.0}, "extra": [1, "two", {"three": 3.0}, [], {}]}
        """#,
      defaults: #""tags": []"#),
    // Strings that YAML 1.1 readers take for something else unless quoted; a big integer.
    Sample(
      input: #"""
        {"name": "plain", "count": 1234567890123, "score": -0.5, "ok": true, "status": "archived",
         "day": "1999-12-31",
         "tags": ["no", "null", "~", "", "1.0", "0x10", "0b1", "1_000", "12:30", "2026-01-01", "1e3", ".inf",
                  "+1", "-", "- x", "a: b", "#c", "on", "x #y", "tab\there", " lead", "trail ", "é", "'s'", "\"d\""],
         "extra": {"yes": "no", "null": null, "1": 1, "deep": {"a": [[]], "b": {}}}}
        """#,
      defaults: ""),
    // Only the required field: the defaults fill in the rest; a name YAML reads as null.
    Sample(input: #"{"name": "null"}"#, defaults: #""count": 0, "status": "active", "tags": []"#),
  ]

  /// A fresh project with the samples added to `backend`; returns their ids in order.
  static func seeded(_ backend: String) throws -> (ProjectRunner, [String]) {
    let project = try ProjectRunner.on(backend, manifest: manifest)
    var ids: [String] = []
    for sample in samples {
      let flat = sample.input.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(
        separator: " ")
      ids.append(try project.add(["--json", flat], backend: backend))
    }
    try project.write(checker, to: "check.py")
    return (project, ids)
  }

  /// The records as they should read back (without timestamps), as JSON text, in this order.
  static func expectedText(_ ids: [String], order: [Int]? = nil) -> String {
    let items = (order ?? Array(samples.indices)).map { i -> String in
      let sample = samples[i]
      let body = sample.input.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst()
      return "{\"id\": \"\(ids[i])\", " + (sample.defaults.isEmpty ? "" : sample.defaults + ", ") + body
    }
    return "[\n" + items.joined(separator: ",\n") + "\n]\n"
  }

  /// Runs the Python checker; it prints `ok` or every difference it found.
  func check(_ project: ProjectRunner, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws
  {
    let result = try project.tool(Self.python, ["check.py"] + arguments)
    #expect(
      result.status == 0 && result.stdout == "ok\n",
      "python3 check.py \(arguments.joined(separator: " ")):\n\(result.stdout)\(result.stderr)",
      sourceLocation: sourceLocation)
  }

  /// A file of the work folder, parsed by the suite's strict JSON parser.
  func parsed(_ project: ProjectRunner, _ file: String) throws -> JSON {
    try JSON.parse(try #require(project.read(file), "no \(file)"))
  }

  func output(_ project: ProjectRunner, _ arguments: [String], to file: String, environment: [String: String] = [:])
    throws
  {
    let result = try project.run(["svc", "example"] + arguments, environment: environment)
    try #require(result.status == 0 && result.stderr.isEmpty && !result.showsCrash, "\(result)")
    try project.write(result.stdout, to: file)
  }

  // MARK: Formats

  @Test(arguments: backends)
  func jsonReadsBackThroughJqAndPython(backend: String) throws {
    let (project, ids) = try Self.seeded(backend)
    try project.write(Self.expectedText(ids), to: "expected.json")
    try output(project, ["list", "-o", "json", "--backend", backend], to: "out.json")
    let jq = try project.tool(Self.jq, ["-c", ".", "out.json"])
    try #require(jq.status == 0, "jq -c . could not read list -o json: \(jq)")
    try project.write(jq.stdout, to: "jq.json")
    try check(project, ["json", "expected.json", "out.json"])
    // jq 1.6 prints 1.0 as 1, so its numbers are compared by value; integers must stay integers.
    try check(project, ["json-lenient", "expected.json", "jq.json"])
    // The same list, read by this suite's strict parser, has the ids in insertion order.
    let list = try parsed(project, "out.json")
    #expect(list.array?.map { $0["id"]?.string } == ids.map(Optional.some))
  }

  /// `list` writes as it reads, about 64 KiB at a time: a list many times that long comes out
  /// whole and in order in every format.
  @Test(arguments: backends)
  func longListsComeOutWholeInEveryFormat(backend: String) throws {
    let project = try ProjectRunner.on(backend, manifest: Self.manifest)
    let lines = (0..<1500).map {
      #"{"name": "record \#($0) with a name long enough to fill the line", "tags": ["a", "b", "c"], "count": \#($0)}"#
    }
    try project.write(lines.joined(separator: "\n") + "\n", to: "in.ndjson")
    _ = try project.succeed(["svc", "example", "import", "--from", "in.ndjson", "--target", backend])
    let names = (0..<1500).map { "record \($0) with a name long enough to fill the line" }
    let json = try project.json(["svc", "example", "list", "-o", "json", "--backend", backend, "--sort", "count"])
    #expect(json.array?.map { $0["name"]?.string } == names.map(Optional.some))
    let ndjson = try project.succeed([
      "svc", "example", "list", "-o", "ndjson", "--backend", backend, "--sort", "count",
    ])
    #expect(
      try ndjson.split(separator: "\n").map { try JSON.parse(String($0))["name"]?.string } == names.map(Optional.some))
    let csv = try project.succeed([
      "svc", "example", "list", "-o", "csv", "--backend", backend, "--sort", "count", "--fields", "name",
    ])
    #expect(csv == "name\r\n" + names.map { $0 + "\r\n" }.joined())
    let yaml = try project.succeed([
      "svc", "example", "list", "-o", "yaml", "--backend", backend, "--sort", "count", "--fields", "name",
    ])
    #expect(yaml == names.map { "- name: \"\($0)\"\n" }.joined())
  }

  @Test(arguments: backends)
  func ndjsonReadsBackLineByLine(backend: String) throws {
    let (project, ids) = try Self.seeded(backend)
    try project.write(Self.expectedText(ids), to: "expected.json")
    try output(project, ["list", "-o", "ndjson", "--backend", backend], to: "out.ndjson")
    let text = try #require(project.read("out.ndjson"))
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(
      lines.count == Self.samples.count + 1 && lines.last == "",
      "one line per record, each ending in a newline:\n\(text)")
    for (i, line) in lines.dropLast().enumerated() {
      try project.write(String(line) + "\n", to: "line\(i).json")
      let jq = try project.tool(Self.jq, ["-c", ".", "line\(i).json"])
      #expect(jq.status == 0 && jq.stdoutLines.count == 1, "jq -c . on line \(i + 1): \(jq)")
    }
    let jq = try project.tool(Self.jq, ["-c", ".", "out.ndjson"])
    try #require(jq.status == 0, "jq -c . could not read list -o ndjson: \(jq)")
    try project.write(jq.stdout, to: "jq.ndjson")
    try check(project, ["ndjson", "expected.json", "out.ndjson"])
    try check(project, ["ndjson-lenient", "expected.json", "jq.ndjson"])
  }

  @Test(arguments: backends)
  func csvReadsBackWithPythonsCSVModule(backend: String) throws {
    let (project, ids) = try Self.seeded(backend)
    try project.write(Self.expectedText(ids), to: "expected.json")
    try output(project, ["list", "-o", "csv", "--backend", backend], to: "out.csv")
    try check(project, ["csv", "expected.json", "out.csv"])
  }

  @Test(arguments: backends)
  func yamlReadsBackWithPyYAML(backend: String) throws {
    try #require(
      Self.hasPyYAML, "PyYAML is not installed for /usr/bin/python3: apt-get install python3-yaml (.ci/run does)")
    let (project, ids) = try Self.seeded(backend)
    try project.write(Self.expectedText(ids), to: "expected.json")
    try output(project, ["list", "-o", "yaml", "--backend", backend], to: "out.yaml")
    try check(project, ["yaml", "expected.json", "out.yaml"])
  }

  /// The records the table tests show: all of them, or only those without double-width
  /// characters (emoji, CJK), so that a failure says which of the two is at fault.
  func tableArguments(_ backend: String, wide: Bool) -> ([String], [Int]?) {
    wide ? (["list", "--backend", backend], nil) : (["list", "--backend", backend, "--where", "name!~🚀"], [1, 2, 3])
  }

  /// Without a terminal width every cell is whole and each column starts, in terminal cells,
  /// where its header starts.
  @Test(arguments: backends, [false, true])
  func tableColumnsLineUp(backend: String, wideCharacters: Bool) throws {
    let (project, ids) = try Self.seeded(backend)
    let (arguments, order) = tableArguments(backend, wide: wideCharacters)
    try project.write(Self.expectedText(ids, order: order), to: "expected.json")
    try output(project, arguments, to: "out.txt")
    try check(project, ["table", "expected.json", "out.txt", "-"])
  }

  /// With `COLUMNS=60`, every line fits in 60 terminal cells, cut cells end with `…` (never an
  /// id: the id column takes 36 of the 60), and the
  /// columns still line up — for the default columns and for a few chosen ones.
  @Test(arguments: backends, ["", "id,name,status"])
  func tableFitsTheWidthInCOLUMNS(backend: String, fields: String) throws {
    let (project, ids) = try Self.seeded(backend)
    var (arguments, order) = tableArguments(backend, wide: false)
    if !fields.isEmpty { arguments += ["--fields", fields] }
    try project.write(Self.expectedText(ids, order: order), to: "expected.json")
    try output(project, arguments, to: "out.txt", environment: ["COLUMNS": "60"])
    try check(project, ["table", "expected.json", "out.txt", "60"])
  }

  /// The same with emoji and CJK text, which take two terminal cells each.
  @Test(arguments: backends)
  func tableFitsTheWidthInCOLUMNSWithWideCharacters(backend: String) throws {
    let (project, ids) = try Self.seeded(backend)
    try project.write(Self.expectedText(ids), to: "expected.json")
    try output(
      project, ["list", "--backend", backend, "--fields", "id,name,status"], to: "out.txt",
      environment: ["COLUMNS": "60"])
    try check(project, ["table", "expected.json", "out.txt", "60"])
  }

  // MARK: --fields, get, count, delete, explain

  @Test(arguments: backends)
  func fieldsLimitTheKeysAndColumns(backend: String) throws {
    let (project, ids) = try Self.seeded(backend)
    try project.write(Self.expectedText(ids), to: "expected.json")
    let fields = "id,name,meta.owner"
    try output(project, ["list", "--fields", fields, "-o", "json", "--backend", backend], to: "out.json")
    try check(project, ["json", "expected.json", "out.json", "--fields", fields])
    try output(project, ["list", "--fields", fields, "-o", "ndjson", "--backend", backend], to: "out.ndjson")
    try check(project, ["ndjson", "expected.json", "out.ndjson", "--fields", fields])
    try output(project, ["list", "--fields", fields, "-o", "csv", "--backend", backend], to: "out.csv")
    try check(project, ["csv", "expected.json", "out.csv", "--fields", fields])
    let csv = try #require(project.read("out.csv"))
    #expect(
      csv.hasPrefix("id,name,meta.owner\r\n") || csv.hasPrefix("id,name,meta.owner\n"),
      "CSV header: \(csv.debugDescription)")

    // The first record, exactly: nested `meta: {owner: ...}`, nothing else.
    let first = try #require(try parsed(project, "out.json").array?.first)
    #expect(
      first
        == .object([
          .init(key: "id", value: .string(ids[0])), .init(key: "name", value: .string("Zoë 🚀 e\u{301} — 日本語")),
          .init(key: "meta", value: .object([.init(key: "owner", value: .string("ops"))])),
        ]), "\(first)")
  }

  @Test(arguments: backends)
  func getReturnsTheRecordsInTheOrderAsked(backend: String) throws {
    let (project, ids) = try Self.seeded(backend)
    for order in [[2, 0], [0, 2], [3, 1, 0]] {
      try project.write(Self.expectedText(ids, order: order), to: "expected.json")
      try output(project, ["get"] + order.map { ids[$0] } + ["-o", "json", "--backend", backend], to: "out.json")
      try check(project, ["json", "expected.json", "out.json"])
      let got = try parsed(project, "out.json")
      #expect(
        got.array?.map { $0["id"]?.string } == order.map { Optional(ids[$0]) }, "get \(order) -o json printed \(got)")
    }
  }

  @Test(arguments: backends)
  func countPrintsJustTheNumber(backend: String) throws {
    let (project, _) = try Self.seeded(backend)
    for (filters, expected) in [
      ([String](), "4\n"), (["status=archived"], "2\n"), (["status=active", "count>=3"], "1\n"), (["name~🚀"], "1\n"),
      (["ok=true", "score<0"], "1\n"), (["name=nobody"], "0\n"),
    ] {
      let result = try project.run(
        ["svc", "example", "count", "--backend", backend] + filters.flatMap { ["--where", $0] })
      #expect(
        result.status == 0 && result.stdout == expected && result.stderr.isEmpty,
        "expected \(expected.debugDescription): \(result)")
    }
  }

  @Test(arguments: backends)
  func deleteWhereWithoutYesRefusesAndDeletesNothing(backend: String) throws {
    let (project, ids) = try Self.seeded(backend)
    let before = project.snapshot()
    let refused = try project.run(["svc", "example", "delete", "--where", "status=archived", "--backend", backend])
    expectFailure(
      refused, exitCode: 1,
      stderr: "project: refusing to delete 2 records matching --where without --yes; nothing deleted")
    #expect(try project.list(backend).compactMap { $0["id"]?.string } == ids)
    if backend == "json" {
      #expect(
        project.bytes("data/json/example_items.json") == before["data/json/example_items.json"],
        "the refused delete rewrote the JSON store")
    }

    let done = try project.run([
      "svc", "example", "delete", "--where", "status=archived", "--yes", "--backend", backend,
    ])
    #expect(done.status == 0 && done.stdout == "deleted 2 records\n" && done.stderr.isEmpty, "\(done)")
    #expect(try project.list(backend).compactMap { $0["id"]?.string } == [ids[0], ids[3]])
    #expect(try project.count(backend) == 2)

    let one = try project.run(["svc", "example", "delete", "--where", "name=null", "--backend", backend])
    expectFailure(
      one, exitCode: 1, stderr: "project: refusing to delete 1 record matching --where without --yes; nothing deleted")
    #expect(try project.count(backend) == 2)
  }

  /// `--explain` reads: before the first write it plans against an empty copy in memory, and
  /// leaves no database behind.
  @Test func explainWritesNothing() throws {
    let project = try ProjectRunner(manifest: Self.manifest)
    let before = project.snapshot()
    let out = try project.succeed([
      "svc", "example", "list", "--explain", "--backend", "sqlite", "--where", "status=active",
    ])
    #expect(out.contains("USING INDEX example_items$status"), "\(out)")
    #expect(project.snapshot() == before)
  }

  @Test func explainShowsBoundParametersAndTheStatusIndex() throws {
    let (project, _) = try Self.seeded("sqlite")
    let out = try project.succeed([
      "svc", "example", "list", "--explain", "--backend", "sqlite", "--where", "status=active",
    ])
    let lines = out.split(separator: "\n").map(String.init)
    let sql = try #require(lines.first { $0.hasPrefix("SQL: ") }, "no SQL: line in\n\(out)")
    #expect(sql.contains("?") && !sql.contains("active"), "the value must be a bound parameter: \(sql)")
    #expect(lines.contains("PARAMETERS: \"active\""), "\(out)")
    let plan = try #require(lines.firstIndex(of: "PLAN:"), "no PLAN: line in\n\(out)")
    #expect(
      lines[(plan + 1)...].contains { $0.contains("USING INDEX example_items$status") },
      "the plan does not use the status index:\n\(out)")

    // Several values of several types, quotes and wildcards included: every one is bound.
    let filters = ["status=active", "name~it's 50%_\"x\"", "count>=3", "meta.size=2.5", "ok=true"]
    let many = try project.succeed(
      ["svc", "example", "list", "--explain", "--backend", "sqlite"] + filters.flatMap { ["--where", $0] })
    let manyLines = many.split(separator: "\n").map(String.init)
    let manySQL = try #require(manyLines.first { $0.hasPrefix("SQL: ") }, "no SQL: line in\n\(many)")
    for literal in ["active", "it's", "50%", "2.5"] {
      #expect(!manySQL.contains(literal), "'\(literal)' is spliced into the SQL: \(manySQL)")
    }
    let parametersLine = try #require(
      manyLines.first { $0.hasPrefix("PARAMETERS: ") }, "no PARAMETERS: line in\n\(many)")
    let parameters = try JSON.parse("[" + parametersLine.dropFirst("PARAMETERS: ".count) + "]")
    let values = try #require(parameters.array)
    for value in [JSON.string("active"), .string("it's 50%_\"x\""), .int(3), .double(2.5)] {
      #expect(values.contains(value), "\(value) is not among the parameters: \(parametersLine)")
    }
    #expect(manySQL.filter { $0 == "?" }.count == values.count, "one ? per parameter: \(many)")

    let json = try project.run(["svc", "example", "list", "--explain", "--backend", "json", "--where", "status=active"])
    #expect(json.status == 2 && json.stdout.isEmpty, "\(json)")
  }

  // MARK: The checker

  /// Reads an output with Python's own parsers and compares with the expected records: values
  /// and types as Python sees them (`type(x) is int`, 1.0 a float, bool not an int).
  static let checker = #"""
    import csv, json, re, sys, unicodedata

    STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\Z")
    FIELDS = ["name", "count", "score", "ok", "status", "seen", "day", "tags", "owner", "meta", "extra"]
    MISSING = object()
    problems = []

    def diff(a, e, path, lenient=False):
        if lenient and type(e) is float and type(a) is int and float(a) == e:
            return []
        if type(a) is not type(e):
            problems.append(f"{path}: expected {e!r} ({type(e).__name__}), found {a!r} ({type(a).__name__})")
        elif isinstance(e, dict):
            for k in e:
                if k not in a:
                    problems.append(f"{path}.{k}: missing, expected {e[k]!r}")
                else:
                    diff(a[k], e[k], f"{path}.{k}", lenient)
            for k in a:
                if k not in e:
                    problems.append(f"{path}.{k}: not expected, found {a[k]!r}")
        elif isinstance(e, list):
            if len(a) != len(e):
                problems.append(f"{path}: expected {len(e)} items {e!r}, found {len(a)}: {a!r}")
            else:
                for i, (x, y) in enumerate(zip(a, e)):
                    diff(x, y, f"{path}[{i}]", lenient)
        elif a != e:
            problems.append(f"{path}: expected {e!r}, found {a!r}")

    def lookup(record, path):
        value = record
        for part in path.split("."):
            if not isinstance(value, dict) or part not in value:
                return MISSING
            value = value[part]
        return value

    def project(record, fields):
        out = {}
        for path in fields:
            value = lookup(record, path)
            if value is MISSING:
                continue
            parts = path.split(".")
            target = out
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = value
        return out

    def check_records(actual, expected, fields, lenient=False):
        if not isinstance(actual, list):
            problems.append(f"expected a list of records, found {actual!r}")
            return
        if len(actual) != len(expected):
            problems.append(f"expected {len(expected)} records, found {len(actual)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            if not isinstance(a, dict):
                problems.append(f"[{i}]: expected an object, found {a!r}")
                continue
            a = dict(a)
            if fields is None:
                for key in ("created_at", "updated_at"):
                    stamp = a.pop(key, MISSING)
                    if not (isinstance(stamp, str) and STAMP.match(stamp)):
                        problems.append(f"[{i}].{key}: expected an RFC 3339 UTC text with milliseconds, found {stamp!r}")
            diff(a, e, f"[{i}]", lenient)

    def cell_text(value):
        if value is MISSING or value is None:
            return ""
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def width(ch):
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            return 0
        return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1

    def cells(line):
        """The terminal cells a line fills: a wide character takes two, combining marks join the previous."""
        out = []
        for ch in line:
            w = width(ch)
            if w == 0 and out:
                out[-1] += ch
            elif w == 2:
                out += [ch, ""]
            else:
                out.append(ch)
        return out

    def escaped(text):
        # The table's one rule: \n \r \t, every other C0 control, DEL and C1 as \u00XX.
        named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
        return "".join(named.get(ch) or (f"\\u{ord(ch):04x}" if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F else ch) for ch in text)

    def check_table(text, expected, limit):
        lines = text.split("\n")
        if lines[-1] != "":
            problems.append("the table does not end with a newline")
        lines = lines[:-1]
        if len(lines) != len(expected) + 1:
            problems.append(f"expected a header and {len(expected)} rows, found {len(lines)} lines:\n{text}")
            return
        for n, line in enumerate(lines):
            if limit is not None and len(cells(line)) > limit:
                problems.append(f"line {n + 1} is {len(cells(line))} terminal cells wide, more than COLUMNS={limit}")
        header = cells(lines[0])
        starts, names = [], []
        i = 0
        while i < len(header):
            if header[i] != " ":
                j = i
                while j < len(header) and header[j] != " ":
                    j += 1
                starts.append(i)
                names.append("".join(header[i:j]))
                i = j
            else:
                i += 1
        columns, candidates = [], ["id"] + FIELDS + ["created_at", "updated_at"]
        for name in names:
            match = next((c for c in candidates if name == c.upper()
                          or (name.endswith("…") and c.upper().startswith(name[:-1]))), None)
            if match is None:
                problems.append(f"header column {name!r} names no field: {lines[0]!r}")
                return
            columns.append(match)
            candidates = candidates[candidates.index(match) + 1:]
        if not columns or columns[0] != "id":
            problems.append(f"the first column is not ID: {lines[0]!r}")
        truncated = 0
        for r, (line, record) in enumerate(zip(lines[1:], expected)):
            row = cells(line)
            bad = []
            for c, column in enumerate(columns):
                end = starts[c + 1] if c + 1 < len(starts) else max(len(row), starts[c])
                piece = "".join(row[starts[c]:end])
                shown = piece.rstrip(" ")
                value = record.get(column, MISSING) if column not in ("created_at", "updated_at") else MISSING
                want = escaped(cell_text(value))
                if c + 1 < len(starts) and not piece.endswith(" "):
                    bad.append(f"{column} at cells {starts[c]}..{end} runs into the next column: {piece!r}")
                elif column == "id" and shown != want:
                    bad.append(f"the id at cells {starts[c]}..{end} reads {piece!r}, expected all of {want!r}")
                elif column in ("created_at", "updated_at"):
                    if STAMP.match(shown):
                        continue
                    if shown.endswith("…") and len(shown) > 1 and not shown.startswith(" "):
                        truncated += 1
                        continue
                    bad.append(f"{column} at cells {starts[c]}..{end} reads {piece!r}, expected a timestamp")
                elif shown == want.rstrip(" "):
                    continue
                elif shown.endswith("…") and want.startswith(shown[:-1]):
                    truncated += 1
                else:
                    bad.append(f"{column} at cells {starts[c]}..{end} reads {piece!r}, expected {want!r} or a prefix of it ending in …")
            if bad:
                problems.append(f"row {r + 1}: " + "; ".join(bad[:3]) + (f"; and {len(bad) - 3} more" if len(bad) > 3 else ""))
        if problems:
            problems.append("the table (columns start where their headers start, counted in terminal cells):\n" + text)
        if limit is not None and truncated == 0:
            problems.append(f"COLUMNS={limit} but no cell was cut short with …:\n{text}")

    def main():
        mode, expected_file, output_file = sys.argv[1:4]
        rest = sys.argv[4:]
        fields = rest[rest.index("--fields") + 1].split(",") if "--fields" in rest else None
        with open(expected_file, encoding="utf-8") as f:
            expected = json.load(f)
        if fields is not None:
            expected = [project(e, fields) for e in expected]
        with open(output_file, encoding="utf-8", newline="") as f:
            text = f.read()
        lenient = mode.endswith("-lenient")
        if mode.startswith("json"):
            check_records(json.loads(text), expected, fields, lenient)
        elif mode.startswith("ndjson"):
            lines = text.split("\n")
            if lines[-1] != "":
                problems.append("the last line does not end with a newline")
            check_records([json.loads(line) for line in lines[:-1]], expected, fields, lenient)
        elif mode == "yaml":
            import yaml
            check_records(yaml.safe_load(text), expected, fields)
        elif mode == "csv":
            with open(output_file, encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                header = reader.fieldnames
                rows = list(reader)
            want_header = fields if fields is not None else ["id"] + FIELDS + ["created_at", "updated_at"]
            if header != want_header:
                problems.append(f"header: expected {','.join(want_header)}, found {header!r}")
            if len(rows) != len(expected):
                problems.append(f"expected {len(expected)} rows, found {len(rows)}")
            full = json.load(open(expected_file, encoding="utf-8"))
            for r, (row, record) in enumerate(zip(rows, full)):
                if None in row:
                    problems.append(f"row {r + 1}: more cells than columns: {row[None]!r}")
                for column in want_header:
                    cell = row.get(column)
                    if cell is None:
                        problems.append(f"row {r + 1}, {column}: missing cell")
                        continue
                    if column in ("created_at", "updated_at"):
                        if not STAMP.match(cell):
                            problems.append(f"row {r + 1}, {column}: {cell!r} is not a timestamp")
                        continue
                    value = lookup(record, column)
                    if value is MISSING:
                        if cell != "":
                            problems.append(f"row {r + 1}, {column}: expected an empty cell, found {cell!r}")
                    elif value is None:
                        if cell != "null":
                            problems.append(f"row {r + 1}, {column}: expected null, found {cell!r}")
                    elif isinstance(value, str):
                        if cell != value:
                            problems.append(f"row {r + 1}, {column}: expected the text {value!r}, found {cell!r}")
                    else:
                        try:
                            diff(json.loads(cell), value, f"row {r + 1}, {column}")
                        except ValueError:
                            problems.append(f"row {r + 1}, {column}: {cell!r} is not JSON; expected {value!r}")
        elif mode == "table":
            limit = None if rest[0] == "-" else int(rest[0])
            check_table(text, expected, limit)
        else:
            problems.append(f"unknown mode {mode}")
        print("ok" if not problems else "\n".join(problems))

    main()
    """#
}
