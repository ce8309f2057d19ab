import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// How store files, their locks and export files are read and written: duplicate ids, depth
/// limits, symlinks, lock files and leftovers; each test failed before its fix.
@Suite struct StoreFileSafetyTests {
  static let file = "data/json/example_items.json"

  static func record(_ id: String, _ name: String) -> String {
    #"{"id": "\#(id)", "name": "\#(name)", "count": 0, "status": "active", "tags": [], "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:00:00.000Z"}"#
  }

  static let duplicateFile = """
    {
      "a": \(record("a", "OLD")),
      "b": \(record("b", "B")),
      "a": \(record("a", "NEW"))
    }

    """

  static let duplicateText =
    "data/json/example_items.json:4:3: the id 'a' is given a second time (first at data/json/example_items.json:2:3); each id may appear only once"
  static let duplicateMessage = "project: \(duplicateText); the file is left as it is; fix it by hand or restore it"

  // MARK: Item 1: an id given twice

  /// Every read and write refuses a store file that gives an id twice, naming both places,
  /// and nothing rewrites it (before, `get` showed the second record and `add` brought the
  /// first one back in its place).
  @Test func aStoreFileWithADuplicateIDIsRefusedByEveryCommandAndNeverRewritten() throws {
    let project = try ProjectRunner()
    try project.write(Self.duplicateFile, to: Self.file)
    try project.write(#"{"id": "n", "name": "from ndjson"}"# + "\n", to: "in.ndjson")
    let before = try #require(project.bytes(Self.file))
    let commands: [[String]] = [
      ["get", "a"], ["list"], ["count"], ["list", "--where", "name=NEW"], ["count", "--where", "name=NEW"],
      ["add", "--name", "c"], ["update", "a", "--count", "2"], ["delete", "a"],
      ["delete", "--where", "name=NEW", "--yes"],
      ["import", "--from", "in.ndjson", "--target", "json"],
    ]
    for command in commands {
      let arguments = ["svc", "example"] + command + (command.first == "import" ? [] : ["--backend", "json"])
      expectFailure(try project.run(arguments), exitCode: 1, stderr: Self.duplicateMessage)
      #expect(project.bytes(Self.file) == before, "\(command) changed the file")
    }
    // Into SQLite: the store file is the import's input, refused as it stands.
    expectFailure(
      try project.run(["svc", "example", "import", "--target", "sqlite"]), exitCode: 1,
      stderr: "project: \(Self.duplicateText)")
    expectFailure(
      try project.run(["svc", "example", "import", "--target", "sqlite", "--dry-run"]), exitCode: 1,
      stderr: "project: \(Self.duplicateText)")
    #expect(try project.count("sqlite") == 0)
    // An export to it never overwrites it, --replace included.
    _ = try project.add(["--name", "in-sqlite"], backend: "sqlite")
    for mode in [[], ["--merge"], ["--replace"], ["--dry-run"]] {
      expectFailure(try project.run(["svc", "example", "export"] + mode), exitCode: 1, stderr: Self.duplicateMessage)
    }
    #expect(project.bytes(Self.file) == before)
    #expect(!project.exists(Self.file + ".bak"))
    // `check --data` reports it.
    let check = try project.run(["check", "--data"])
    #expect(check.status == 1, "\(check)")
    #expect(
      check.stdout.contains(
        "example [json] data/json/example_items.json: cannot be read: \(Self.duplicateMessage.dropFirst("project: ".count))"
      ), "\(check)")
    // An import file in the same shape is refused the same way, whichever the target.
    try project.write(Self.duplicateFile, to: "dump.json")
    for target in ["sqlite", "json"] {
      let result = try project.run(["svc", "example", "import", "--from", "dump.json", "--target", target])
      expectFailure(
        result, exitCode: 1,
        stderr: "project: "
          + Self.duplicateText.replacingOccurrences(of: "data/json/example_items.json", with: "dump.json"))
    }
    #expect(try project.count("sqlite") == 1)
  }

  // MARK: Item 2: one set of limits for reader and writer

  /// `{"name": "d", "meta": {"a": {"a": ... 1}}}` with `levels` objects in `meta`: the record
  /// then has `levels + 1` levels.
  static func deepRecord(metaLevels levels: Int, id: String? = nil) -> String {
    "{" + (id.map { #""id": "\#($0)", "# } ?? "") + #""name": "deep", "meta": "#
      + String(repeating: #"{"a": "#, count: levels) + "1" + String(repeating: "}", count: levels) + "}"
  }

  static let deepestMeta = 510  // JSONLimits.recordDepth (511) less the record's own object
  static let depthMessage =
    "meta: nests deeper than the 511 levels a record may have (the record's own object is one; JSON text may nest 512 levels, and the store file and JSON exports wrap 1 around each record)"

  /// A record as deep as `add`, `update` and `import` accept can be read by every command on
  /// both backends and round-trips through every export format; one level deeper is refused
  /// with the field and the limit (before, it was accepted and the store could not be read).
  @Test func theDeepestRecordAcceptedIsReadEverywhereAndOneLevelMoreIsRefused() throws {
    let project = try ProjectRunner()
    let deepest = Self.deepRecord(metaLevels: Self.deepestMeta)
    let tooDeep = Self.deepRecord(metaLevels: Self.deepestMeta + 1)
    for backend in ["json", "sqlite"] {
      expectFailure(
        try project.run(["svc", "example", "add", "--json", tooDeep, "--backend", backend]), exitCode: 1,
        stderr: "project: example.\(Self.depthMessage)")
    }
    try project.write(Self.deepRecord(metaLevels: Self.deepestMeta + 1, id: "over") + "\n", to: "over.ndjson")
    for target in ["json", "sqlite"] {
      expectFailure(
        try project.run(["svc", "example", "import", "--from", "over.ndjson", "--target", target]), exitCode: 1,
        stderr: [
          "project: line 1 (id 'over'): \(Self.depthMessage)", "project: nothing imported: 1 of 1 record is invalid",
        ])
    }

    // On the JSON store: every command reads it, and writes around it keep it.
    let onJSON = try project.add(["--json", deepest], backend: "json")
    let shown = try project.succeed(["svc", "example", "get", onJSON, "-o", "json", "--backend", "json"])
    for command in [
      ["list"], ["list", "-o", "json"], ["list", "-o", "csv"], ["count"], ["list", "--where", "meta.a exists"],
      ["list", "--sort", "name", "--limit", "1"],
    ] {
      try project.succeed(["svc", "example"] + command + ["--backend", "json"])
    }
    let other = try project.add(["--name", "other"], backend: "json")
    try project.succeed(["svc", "example", "update", other, "--count", "2", "--backend", "json"])
    try project.succeed(["svc", "example", "delete", other, "--backend", "json"])
    #expect(try project.succeed(["svc", "example", "get", onJSON, "-o", "json", "--backend", "json"]) == shown)
    let deeper =
      "meta.x=" + String(repeating: "[", count: Self.deepestMeta) + String(repeating: "]", count: Self.deepestMeta)
    expectFailure(
      try project.run(["svc", "example", "update", onJSON, "--set", deeper, "--backend", "json"]), exitCode: 1,
      stderr: "project: record '\(onJSON)': \(Self.depthMessage)")
    try project.succeed(["check", "--data"])

    // Into SQLite and out again, in every format, and back into fresh stores.
    try project.succeed(["svc", "example", "import", "--target", "sqlite"])
    let onSQLite = try project.add(["--json", deepest], backend: "sqlite")
    let fromSQLite = try project.succeed(["svc", "example", "get", onSQLite, "-o", "json", "--backend", "sqlite"])
    #expect(try project.succeed(["svc", "example", "get", onJSON, "-o", "json", "--backend", "sqlite"]) == shown)
    try project.succeed(["svc", "example", "list", "--where", "meta.a exists", "--backend", "sqlite"])
    try project.succeed(["svc", "example", "export", "--merge"])
    for format in ["json", "ndjson", "csv"] {
      try project.succeed(["svc", "example", "export", "--to", "out.\(format)", "--format", format])
    }
    try project.succeed(["check", "--data"])
    for format in ["json", "ndjson", "csv"] {
      let fresh = try ProjectRunner()
      try fresh.write(try #require(project.read("out.\(format)")), to: "in.\(format)")
      for target in ["sqlite", "json"] {
        try fresh.succeed(["svc", "example", "import", "--from", "in.\(format)", "--target", target])
        #expect(
          try fresh.succeed(["svc", "example", "get", onSQLite, "-o", "json", "--backend", target]) == fromSQLite,
          "\(format) into \(target)")
        #expect(
          try fresh.succeed(["svc", "example", "get", onJSON, "-o", "json", "--backend", target]) == shown,
          "\(format) into \(target)")
      }
      try fresh.succeed(["check", "--data"])
    }
  }

  // MARK: Items 4 and 5: symlinks

  /// Makes `data/json/example_items.json` (or `link`) a symlink to `target`, outside the work
  /// folder; returns the outside folder.
  func outsideFolder(_ project: ProjectRunner) throws -> String {
    let outside = project.root.appendingPathComponent("outside").path
    try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: project.path("data/json"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: project.path("data/db"), withIntermediateDirectories: true)
    return URL(fileURLWithPath: outside).resolvingSymlinksInPath().path
  }

  /// `import` reads the JSON store file only where the store would: not through a symlink out
  /// of data_dir (before, it read the outside file and quoted its first character).
  @Test func importDoesNotReadTheStoreFileThroughASymlinkOutOfDataDir() throws {
    let project = try ProjectRunner()
    let outside = try outsideFolder(project)
    try Data("Xsecret".utf8).write(to: URL(fileURLWithPath: outside + "/items.json"))
    try FileManager.default.createSymbolicLink(
      atPath: project.path(Self.file), withDestinationPath: outside + "/items.json")
    let refusal =
      "project: data/json/example_items.json leads to \(outside)/items.json, outside data_dir (data), through a symlink; refusing to use it"
    for arguments in [
      ["import", "--target", "sqlite"], ["import", "--target", "sqlite", "--dry-run"],
      ["import", "--target", "sqlite", "--from", Self.file],
      ["import", "--target", "sqlite", "--from", project.path(Self.file)],
    ] {
      expectFailure(try project.run(["svc", "example"] + arguments), exitCode: 1, stderr: refusal)
    }
    #expect(try project.count("sqlite") == 0)
  }

  /// A store path that is a symlink to nothing is refused by reads and writes, on both
  /// backends; before, a write replaced the link with a file (JSON) or created the target.
  @Test func aDanglingSymlinkStorePathIsRefusedNotReplaced() throws {
    let project = try ProjectRunner()
    let outside = try outsideFolder(project)
    try FileManager.default.createSymbolicLink(
      atPath: project.path(Self.file), withDestinationPath: outside + "/missing.json")
    try FileManager.default.createSymbolicLink(
      atPath: project.path("data/db/myapp.db"), withDestinationPath: outside + "/missing.db")
    let json =
      "project: data/json/example_items.json is a symlink to \(outside)/missing.json, which does not exist; refusing to use it (a write would replace the link with a file)"
    let sqlite =
      "project: data/db/myapp.db is a symlink to \(outside)/missing.db, which does not exist; refusing to use it (a write would replace the link with a file)"
    for backend in ["json", "sqlite"] {
      let message = backend == "json" ? json : sqlite
      for command in [
        ["add", "--name", "x"], ["list"], ["count"], ["get", "x"], ["update", "x", "--count", "1"], ["delete", "x"],
      ] {
        expectFailure(
          try project.run(["svc", "example"] + command + ["--backend", backend]), exitCode: 1, stderr: message)
      }
    }
    expectFailure(try project.run(["svc", "example", "import", "--target", "sqlite"]), exitCode: 1, stderr: json)
    expectFailure(try project.run(["svc", "example", "export"]), exitCode: 1, stderr: json)
    expectFailure(
      try project.run(["svc", "example", "export", "--to", "out.ndjson", "--format", "ndjson"]), exitCode: 1,
      stderr: sqlite)
    #expect(
      try FileManager.default.destinationOfSymbolicLink(atPath: project.path(Self.file)) == outside + "/missing.json")
    #expect(
      try FileManager.default.destinationOfSymbolicLink(atPath: project.path("data/db/myapp.db")) == outside
        + "/missing.db")
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
  }

  /// The lock file is opened without following a symlink (before, `add` created the link's
  /// target outside data_dir).
  @Test func aLockFileThatIsASymlinkIsNotFollowed() throws {
    let project = try ProjectRunner()
    let outside = try outsideFolder(project)
    try FileManager.default.createSymbolicLink(
      atPath: project.path(Self.file + ".lock"), withDestinationPath: outside + "/x.lock")
    let result = try project.run(["svc", "example", "add", "--name", "x", "--backend", "json"])
    expectFailure(
      result, exitCode: 1,
      stderr:
        "project: cannot open lock file \(project.path(Self.file)).lock: it is a symlink, and a lock file is never followed; remove the link"
    )
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    #expect(!project.exists(Self.file))
    // A link to an existing file outside is not followed either.
    FileManager.default.createFile(atPath: outside + "/x.lock", contents: Data())
    #expect(try project.run(["svc", "example", "add", "--name", "x", "--backend", "json"]).status == 1)
    #expect(!project.exists(Self.file))
  }

  // MARK: Item 14: leftovers

  /// The pid of a process that has exited.
  func deadPID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
  }

  /// An export removes the temp files that killed exports to the same file left (and never a
  /// running process's), and an export to a file the user names leaves no `.lock` beside it.
  @Test func exportsRemoveTempFilesOfKilledExportsAndLeaveNoLockBesideTheUsersFile() throws {
    let project = try ProjectRunner()
    _ = try project.add(["--name", "a"], backend: "sqlite")
    let dead = try deadPID()
    let live = getpid()
    for file in ["F", "X.json", "F.bak", "X.json.bak"] {
      try project.write(String(repeating: "x", count: 1000), to: ".\(file).\(dead).0123456789ab.tmp")
      try project.write("in use", to: ".\(file).\(live).0123456789ab.tmp")
    }
    try project.succeed(["svc", "example", "export", "--to", "F", "--format", "ndjson"])
    try project.succeed(["svc", "example", "export", "--to", "F", "--format", "ndjson", "--replace"])
    try project.succeed(["svc", "example", "export", "--to", "X.json"])
    try project.succeed(["svc", "example", "export", "--to", "X.json", "--merge"])
    try project.succeed(["svc", "example", "export", "--to", "X.json", "--replace"])
    let names = Set(try FileManager.default.contentsOfDirectory(atPath: project.directory.path))
    for file in ["F", "X.json", "F.bak", "X.json.bak"] {
      #expect(
        !names.contains(".\(file).\(dead).0123456789ab.tmp"), "a killed export's temp file of \(file) is still there")
      #expect(
        names.contains(".\(file).\(live).0123456789ab.tmp"), "a running process's temp file of \(file) was removed")
    }
    #expect(!names.contains("X.json.lock"), "\(names.sorted())")
    #expect(names.filter { $0.hasSuffix(".lock") }.isEmpty, "\(names.sorted())")
    // The store's own file still takes its own lock file.
    try project.succeed(["svc", "example", "export", "--replace"])
    #expect(project.exists(Self.file + ".lock"))
  }
}
