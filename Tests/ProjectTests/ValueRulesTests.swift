import Foundation
import Testing

/// How values from the command line and from files are read and compared: ids, unique and enum
/// values by their bytes, command-line text as UTF-8, numbers never rounded, `--where` quoting,
/// and what an import or export says it would do.
@Suite struct ValueRulesTests {
  static let precomposed = "\u{00E9}"
  static let decomposed = "e\u{0301}"

  /// A service with a unique field and an enum whose one value is written precomposed.
  static let manifest = """
    version: 1
    app: myapp
    data_dir: data
    services:
      users:
        fields:
          name:  { type: string, required: true }
          email: { type: string, unique: true }
          kind:  { type: enum, values: [\(precomposed), plain] }
          count: { type: integer }
          meta:  { type: object, additional: true }

    """

  static func ndjson(_ records: [String]) -> String { records.joined(separator: "\n") + "\n" }

  func ids(_ project: ProjectRunner, _ backend: String, where filters: [String] = []) throws -> [String] {
    let value = try project.json(
      ["svc", "users", "list", "-o", "json", "--backend", backend] + filters.flatMap { ["--where", $0] })
    return try #require(value.array).compactMap { $0["id"]?.string }
  }

  // MARK: Ids, unique values and enum values compare by their bytes

  @Test(arguments: allBackends)
  func deletingIdsThatDifferOnlyInNormalizationDeletesBoth(backend: String) throws {
    let project = try ProjectRunner.on(backend, manifest: Self.manifest)
    try project.write(
      Self.ndjson([#"{"id": "\#(Self.precomposed)", "name": "nfc"}"#, #"{"id": "\#(Self.decomposed)", "name": "nfd"}"#]
      ), to: "two.ndjson")
    try project.succeed(["svc", "users", "import", "--from", "two.ndjson", "--target", backend])
    #expect(try ids(project, backend).count == 2)
    #expect(
      try project.succeed(["svc", "users", "delete", Self.precomposed, Self.decomposed, "--backend", backend])
        == "deleted 2 records\n")
    #expect(try ids(project, backend).isEmpty)
  }

  @Test(arguments: allBackends)
  func deletingOneSpellingKeepsTheOther(backend: String) throws {
    let project = try ProjectRunner.on(backend, manifest: Self.manifest)
    try project.write(
      Self.ndjson([#"{"id": "\#(Self.precomposed)", "name": "nfc"}"#, #"{"id": "\#(Self.decomposed)", "name": "nfd"}"#]
      ), to: "two.ndjson")
    try project.succeed(["svc", "users", "import", "--from", "two.ndjson", "--target", backend])
    #expect(
      try project.succeed(["svc", "users", "delete", Self.decomposed, Self.decomposed, "--backend", backend])
        == "deleted 1 record\n")
    // Compared as bytes: `==` on String would take either spelling for the other.
    #expect(try ids(project, backend).map { Array($0.utf8) } == [Array(Self.precomposed.utf8)])
  }

  @Test(arguments: allBackends)
  func anEnumValueIsMatchedByItsBytes(backend: String) throws {
    let project = try ProjectRunner.on(backend, manifest: Self.manifest)
    expectFailure(
      try project.run(["svc", "users", "add", "--name", "a", "--kind", Self.decomposed, "--backend", backend]),
      exitCode: 1,
      stderr:
        "project: users.kind: expected one of \(Self.precomposed), plain, found \"\(Self.decomposed)\"; did you mean '\(Self.precomposed)'?"
    )
    try project.write(Self.ndjson([#"{"id": "a", "name": "a", "kind": "\#(Self.decomposed)"}"#]), to: "nfd.ndjson")
    expectFailure(
      try project.run(["svc", "users", "import", "--from", "nfd.ndjson", "--target", backend]), exitCode: 1,
      stderr: [
        "project: line 1 (id 'a'): kind: expected one of \(Self.precomposed), plain, found \"\(Self.decomposed)\"; did you mean '\(Self.precomposed)'?",
        "project: nothing imported: 1 of 1 record is invalid",
      ])
    expectFailure(
      try project.run(["svc", "users", "count", "--where", "kind=\(Self.decomposed)", "--backend", backend]),
      exitCode: 2,
      stderr:
        "project: --where 'kind=\(Self.decomposed)': '\(Self.decomposed)' is not one of \(Self.precomposed), plain; did you mean '\(Self.precomposed)'?"
    )
    _ = try project.add(["--name", "b", "--kind", Self.precomposed], backend: backend, service: "users")
    #expect(
      try project.succeed(["svc", "users", "count", "--where", "kind=\(Self.precomposed)", "--backend", backend])
        == "1\n")
  }

  @Test(arguments: allBackends)
  func uniqueValuesThatDifferOnlyInNormalizationDoNotClash(backend: String) throws {
    let project = try ProjectRunner.on(backend, manifest: Self.manifest)
    _ = try project.add(["--name", "a", "--email", "\(Self.precomposed)@x"], backend: backend, service: "users")
    _ = try project.add(["--name", "b", "--email", "\(Self.decomposed)@x"], backend: backend, service: "users")
    #expect(try ids(project, backend).count == 2)
  }

  /// A unique number is one value however it is written, as SQLite's and PostgreSQL's indexes
  /// compare it: `1.0` and `1e0` clash with a stored `1` on every backend; numbers that differ
  /// beyond a double's precision do not.
  @Test(arguments: allBackends)
  func uniqueNumbersClashByValueOnEveryBackend(backend: String) throws {
    let manifest = """
      version: 1
      app: myapp
      data_dir: data
      services:
        readings:
          fields:
            serial: { type: number, unique: true }

      """
    let project = try ProjectRunner.on(backend, manifest: manifest)
    _ = try project.add(["--serial", "1"], backend: backend, service: "readings")
    _ = try project.add(["--serial", "9007199254740993"], backend: backend, service: "readings")
    for value in ["1.0", "1e0", "0.1e1"] {
      let result = try project.run(
        ["svc", "readings", "add", "--json", #"{"serial": \#(value)}"#, "--backend", backend])
      #expect(result.status == 1, "\(result)")
      #expect(result.stderr.hasSuffix("'serial' must be unique\n"), "\(result)")
    }
    _ = try project.add(["--json", #"{"serial": 9007199254740992.0}"#], backend: backend, service: "readings")
    _ = try project.add(["--json", #"{"serial": 1.5}"#], backend: backend, service: "readings")
    #expect(try project.count(backend, service: "readings") == 4)
  }

  // MARK: Command-line text must be UTF-8

  /// Runs `project ARGS` through the shell, so that `$(printf '\377')` passes raw bytes.
  func runRaw(_ project: ProjectRunner, _ script: String) throws -> RunResult {
    try project.tool("/bin/sh", ["-c", "exec \"$0\" " + script, ProjectRunner.binary])
  }

  @Test(arguments: allBackends)
  func argumentsThatAreNotUTF8AreRefusedBeforeAnythingRuns(backend: String) throws {
    let project = try ProjectRunner.on(backend, manifest: Self.manifest)
    let cases: [(String, String)] = [
      (
        #"svc users add --name "$(printf '\377\376')" --backend \#(backend)"#,
        #"argument 5 ('\xFF\xFE', the value of '--name') is not valid UTF-8 at byte 1; give the command line as UTF-8 text"#
      ),
      (
        #"svc users add --name ok --set "meta.$(printf '\377')=1" --backend \#(backend)"#,
        #"argument 7 ('meta.\xFF=1', the value of '--set') is not valid UTF-8 at byte 6; give the command line as UTF-8 text"#
      ),
      (
        #"svc users list --where "name=$(printf '\377')" --backend \#(backend)"#,
        #"argument 5 ('name=\xFF', the value of '--where') is not valid UTF-8 at byte 6; give the command line as UTF-8 text"#
      ),
      (
        #"svc users delete --where="name=a$(printf '\303')" --yes --backend \#(backend)"#,
        #"argument 4 ('--where=name=a\xC3') is not valid UTF-8 at byte 15; give the command line as UTF-8 text"#
      ),
    ]
    for (script, message) in cases {
      expectFailure(try runRaw(project, script), exitCode: 2, stderr: "project: " + message)
    }
    #expect(!project.exists("data"))
  }

  // MARK: Numbers are never rounded

  @Test(arguments: allBackends)
  func numbersTooSmallForADoubleAreRefusedNotStoredAsZero(backend: String) throws {
    let project = try ProjectRunner.on(backend, manifest: Self.manifest)
    expectFailure(
      try project.run([
        "svc", "users", "add", "--name", "a", "--json", #"{"meta": {"x": 1e-400}}"#, "--backend", backend,
      ]), exitCode: 1,
      stderr: "project: --json:1:16: number out of range")
    expectFailure(
      try project.run(["svc", "users", "add", "--name", "a", "--set", "meta.x=1e-400", "--backend", backend]),
      exitCode: 1,
      stderr:
        #"project: users.meta.x: number out of range (beyond 64-bit integers and doubles, which are never rounded), found "1e-400""#
    )
    expectFailure(
      try project.run(["svc", "users", "add", "--name", "a", "--set", "meta.x=-0.5e-999", "--backend", backend]),
      exitCode: 1,
      stderr:
        #"project: users.meta.x: number out of range (beyond 64-bit integers and doubles, which are never rounded), found "-0.5e-999""#
    )
    try project.write(Self.ndjson([#"{"id": "a", "name": "a", "meta": {"x": 1e-400}}"#]), to: "tiny.ndjson")
    expectFailure(
      try project.run(["svc", "users", "import", "--from", "tiny.ndjson", "--target", backend]), exitCode: 1,
      stderr: "project: tiny.ndjson:1:40: number out of range")
    expectFailure(
      try project.run(["svc", "users", "count", "--where", "meta.x=1e-400", "--backend", backend]), exitCode: 2,
      stderr:
        "project: --where 'meta.x=1e-400': '1e-400' is out of range for a number (beyond 64-bit integers and doubles); quote it to compare it as text"
    )
    #expect(try ids(project, backend).isEmpty)
    // Zero written any way, and the smallest double, are kept.
    let id = try project.add(
      ["--name", "z", "--set", "meta.x=0e-400", "--set", "meta.y=5e-324"], backend: backend, service: "users")
    let stored = try project.json(["svc", "users", "get", id, "-o", "json", "--backend", backend])
    #expect(stored[0]?["meta"]?["x"] == .double(0))
    #expect(stored[0]?["meta"]?["y"] == .double(5e-324))
  }

  // MARK: --where quoting and negation

  @Test(arguments: allBackends)
  func quotedLiteralsAreTextOnUntypedPathsAndTypedOnFields(backend: String) throws {
    let project = try ProjectRunner.on(backend, manifest: Self.manifest)
    let number = try project.add(
      ["--name", "number", "--count", "3", "--set", "meta.x=9007199254740993"], backend: backend, service: "users")
    let text = try project.add(
      ["--name", "text", "--email", "a@b.c", "--set", #"meta.x="9007199254740993""#], backend: backend, service: "users"
    )
    let irish = try project.add(["--name", "O'Brien"], backend: backend, service: "users")
    #expect(try ids(project, backend, where: [#"meta.x="9007199254740993""#]) == [text])
    #expect(try ids(project, backend, where: ["meta.x='9007199254740993'"]) == [text])
    #expect(try ids(project, backend, where: ["meta.x=9007199254740993"]) == [number])
    #expect(try ids(project, backend, where: [#"meta.x in ("9007199254740993", 1)"#]) == [text])
    #expect(try ids(project, backend, where: [#"count="3""#]) == [number])
    #expect(try ids(project, backend, where: ["count='3'"]) == [number])
    #expect(try ids(project, backend, where: ["email='a@b.c'"]) == [text])
    #expect(try ids(project, backend, where: ["name in ('text', \"O'Brien\")"]) == [text, irish])
    #expect(try ids(project, backend, where: ["name=O'Brien"]) == [irish])
    #expect(try ids(project, backend, where: ["name in (O'Brien)"]) == [irish])
    #expect(try ids(project, backend, where: ["not not count=3"]) == [number])
    #expect(try ids(project, backend, where: ["not not not count=3"]) == [text, irish])
    #expect(try ids(project, backend, where: ["! not name=text"]) == [text])
  }

  // MARK: Import and export

  @Test(arguments: allBackends)
  func oneNDJSONRecordOnStandardInputIsOneRecord(backend: String) throws {
    let project = try ProjectRunner.on(backend, manifest: Self.manifest)
    let result = try project.run(
      ["svc", "users", "import", "--from", "-", "--target", backend], stdin: #"{"name":"x","count":1}"# + "\n")
    #expect(result.status == 0, "\(result)")
    #expect(
      result.stderr.hasPrefix(
        "imported 1 record from standard input into \(project.location(backend, service: "users")): 1 added, 0 updated, 0 skipped in "
      ))
    let listed = try project.json(["svc", "users", "list", "-o", "json", "--backend", backend])
    #expect(listed[0]?["name"] == .string("x"))
    // An object of records keyed by id, on one line, is still a store file.
    try project.succeed(
      ["svc", "users", "import", "--from", "-", "--target", backend], stdin: #"{"k1": {"name": "y"}}"#)
    #expect(try ids(project, backend, where: ["name=y"]) == ["k1"])
  }

  @Test(arguments: allBackends)
  func aDryRunFindsAUniqueClashInsideTheFileAsTheImportDoes(backend: String) throws {
    let project = try ProjectRunner.on(backend, manifest: Self.manifest)
    try project.write(
      Self.ndjson([
        #"{"id": "a", "name": "A", "email": "x@y"}"#, #"{"id": "b", "name": "B", "email": "x@y"}"#,
        #"{"id": "c", "name": "C", "email": "z@y"}"#,
      ]),
      to: "clash.ndjson")
    let message = #"email: records 'a' and 'b' of the input both hold the value "x@y"; 'email' must be unique"#
    expectFailure(
      try project.run(["svc", "users", "import", "--from", "clash.ndjson", "--target", backend, "--dry-run"]),
      exitCode: 1, stderr: "project: " + message)
    expectFailure(
      try project.run(["svc", "users", "import", "--from", "clash.ndjson", "--target", backend]), exitCode: 1,
      stderr: "project: " + message)
    #expect(try ids(project, backend).isEmpty)
    // Against a stored record, both name it.
    _ = try project.succeed(
      ["svc", "users", "import", "--from", "-", "--target", backend],
      stdin: #"{"id": "s", "name": "S", "email": "z@y"}"# + "\n")
    try project.write(Self.ndjson([#"{"id": "c", "name": "C", "email": "z@y"}"#]), to: "stored.ndjson")
    let stored =
      #"email: the value "z@y" is already used by record 's' in \#(project.location(backend, service: "users")); 'email' must be unique"#
    expectFailure(
      try project.run(["svc", "users", "import", "--from", "stored.ndjson", "--target", backend, "--dry-run"]),
      exitCode: 1, stderr: "project: " + stored)
    expectFailure(
      try project.run(["svc", "users", "import", "--from", "stored.ndjson", "--target", backend]), exitCode: 1,
      stderr: "project: " + stored)
  }

  @Test(arguments: allBackends)
  func reimportingAFileNamesTheIdThatExistsNotAUniqueField(backend: String) throws {
    let project = try ProjectRunner.on(backend, manifest: Self.manifest)
    try project.write(
      Self.ndjson([#"{"id": "a", "name": "A", "email": "x@y"}"#, #"{"id": "c", "name": "C", "email": "z@y"}"#]),
      to: "two.ndjson")
    try project.succeed(["svc", "users", "import", "--from", "two.ndjson", "--target", backend])
    expectFailure(
      try project.run(["svc", "users", "import", "--from", "two.ndjson", "--target", backend]), exitCode: 1,
      stderr: "project: a record with id 'a' already exists in \(project.location(backend, service: "users"))")
    let skipped = try project.run([
      "svc", "users", "import", "--from", "two.ndjson", "--target", backend, "--on-conflict", "skip",
    ])
    #expect(
      skipped.status == 0
        && skipped.stderr.hasPrefix(
          "imported 2 records from two.ndjson into \(project.location(backend, service: "users")): 0 added, 0 updated, 2 skipped"
        )
    )
  }

  @Test func aMergeDryRunListsTheFileOnlyRecordsAsKept() throws {
    let project = try ProjectRunner(manifest: Self.manifest)
    try project.succeed(
      ["svc", "users", "import", "--from", "-", "--format", "ndjson", "--target", "sqlite"],
      stdin: #"{"id": "a", "name": "A"}"# + "\n")
    try project.succeed(
      ["svc", "users", "import", "--from", "-", "--format", "ndjson", "--target", "json"],
      stdin: #"{"id": "j", "name": "J"}"# + "\n")
    #expect(
      try project.succeed(["svc", "users", "export", "--merge", "--dry-run"]) == """
        dry run: exporting 1 record to data/json/users_items.json would give 1 added, 0 changed, 0 unchanged, 1 kept; nothing written
          added: a
          kept: j

        """)
    #expect(
      try project.succeed(["svc", "users", "export", "--dry-run"]) == """
        dry run: exporting 1 record to data/json/users_items.json would give 1 added, 0 changed, 0 unchanged, 1 dropped; nothing written
          added: a
          dropped: j

        """)
  }
}
