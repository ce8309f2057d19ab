import Foundation
import Testing

/// `project backup`: every JSON and SQLite store copied consistently, with the manifest and
/// `SHA256SUMS`, into a new folder.
@Suite struct BackupTests {
  static let backends = ["json", "sqlite"]
  static let stamp = "2020-01-01T00:00:00.000Z"

  /// `count` records in every backend, each with count 0.
  static func seeded(_ count: Int, manifest: String = Manifests.example) throws -> ProjectRunner {
    let project = try ProjectRunner(manifest: manifest)
    let lines = (0..<count).map {
      #"{"id": "r\#($0)", "name": "n\#($0)", "count": 0, "created_at": "\#(stamp)", "updated_at": "\#(stamp)"}"#
    }
    try project.write(lines.joined(separator: "\n") + "\n", to: "seed.ndjson")
    for backend in backends {
      try project.succeed(["svc", "example", "import", "--from", "seed.ndjson", "--target", backend])
    }
    return project
  }

  /// The `count` values in each store of a backup folder: the JSON file's and SQLite's.
  static func counts(_ project: ProjectRunner, in folder: String) throws -> [String: [Int]] {
    let data = try #require(project.bytes("\(folder)/json/example_items.json"))
    let file = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
    let json = file.values.compactMap { $0["count"] as? Int }
    let query = try project.tool(
      "/usr/bin/sqlite3",
      [project.path("\(folder)/db/myapp.db"), "SELECT json_extract(data, '$.count') FROM example_items"])
    #expect(query.status == 0, "\(query)")
    let sqlite = query.stdoutLines.compactMap { Int($0) }
    return ["json": json, "sqlite": sqlite]
  }

  func sha256sumCheck(_ project: ProjectRunner, _ folder: String) throws -> RunResult {
    try project.tool("/usr/bin/env", ["sh", "-c", "cd '\(project.path(folder))' && sha256sum -c SHA256SUMS"])
  }

  @Test func backupCopiesEveryStoreTheManifestAndChecksumsAndRestores() throws {
    let project = try Self.seeded(3, manifest: Manifests.withHosts)
    let out = try project.succeed(["backup", "--to", "bk"])
    #expect(
      out == """
        copied data/json/example_items.json to bk/json/example_items.json
        copied data/db/myapp.db to bk/db/myapp.db
        nothing to copy: data/json/hosts_items.json has not been written yet
        backup in bk: 2 store files, project.yaml, SHA256SUMS

        """)
    #expect(project.bytes("bk/json/example_items.json") == project.bytes("data/json/example_items.json"))
    #expect(project.bytes("bk/project.yaml") == project.bytes("project.yaml"))
    let sums = try sha256sumCheck(project, "bk")
    #expect(sums.status == 0, "\(sums)")
    #expect(sums.stdoutLines == ["db/myapp.db: OK", "json/example_items.json: OK", "project.yaml: OK"], "\(sums)")
    #expect(try Self.counts(project, in: "bk") == ["json": [0, 0, 0], "sqlite": [0, 0, 0]])

    // Restore as the README says: writers stopped, the copies put back, then check --data.
    try FileManager.default.removeItem(atPath: project.path("data"))
    for file in ["json/example_items.json", "db/myapp.db"] {
      try FileManager.default.createDirectory(
        atPath: project.path("data/" + file).components(separatedBy: "/").dropLast().joined(separator: "/"),
        withIntermediateDirectories: true)
      try FileManager.default.copyItem(atPath: project.path("bk/" + file), toPath: project.path("data/" + file))
    }
    try project.succeed(["check", "--data"])
    for backend in Self.backends { #expect(try project.count(backend) == 3) }
  }

  @Test func aPostgresStoreIsListedAsNotIncludedWithThePgDumpCommandThatBacksItUp() throws {
    let project = try ProjectRunner.on("postgres")
    _ = try project.add(["--name", "a"], backend: "postgres")
    let table = try #require(project.postgresTables["example"])
    let out = try project.succeed(["backup", "--to", "bk"])
    let command = "pg_dump -d 'postgresql:///project_test' -t '\"public\".\"\(table)\"' -Fc -f \(table).dump"
    #expect(
      out == """
        nothing to copy: data/json/example_items.json has not been written yet
        nothing to copy: data/db/myapp.db has not been written yet
        not included: example [postgres] PostgreSQL table public.\(table); back it up with: \(command)
        backup in bk: 0 store files, project.yaml, SHA256SUMS

        """, "\(out)")
    // The command works as given, with the same PG* variables the binary used.
    let dump = try project.tool("/usr/bin/env", ["sh", "-c", "cd '\(project.path("."))' && \(command)"])
    #expect(dump.status == 0, "\(dump)")
    #expect(FileManager.default.fileExists(atPath: project.path("\(table).dump")))
  }

  @Test func backupRefusesAFolderThatIsNotEmptyAndWritesNothing() throws {
    let project = try Self.seeded(1)
    try project.write("mine\n", to: "bk/notes.txt")
    let before = project.snapshot()
    expectFailure(
      try project.run(["backup", "--to", "bk"]), exitCode: 1,
      stderr: "project: bk exists and is not empty; a backup goes into a new or empty folder; nothing was written")
    #expect(project.snapshot() == before)

    let first = try project.succeed(["backup"])
    let folder = try #require(first.split(separator: "\n").last?.split(separator: " ").dropFirst(2).first)
    let name = String(folder.dropLast())
    #expect(name.wholeMatch(of: /data\/backups\/\d{8}T\d{6}Z/) != nil, "\(first)")
    #expect(try sha256sumCheck(project, name).status == 0)
  }

  /// A writer changes every record of both stores in one step, again and again; each backup
  /// taken meanwhile holds one of those steps whole (every record with the same count), and no
  /// older one than the writer had finished when the backup started.
  @Test func backupIsConsistentWhileAWriterRuns() throws {
    let project = try Self.seeded(300)
    // Another program keeps the database open, as a long-running reader would: writes then stay
    // in the WAL file (no connection is the last to close and fold it in), so a copy of the
    // database file alone would miss them.
    let reader = Pipe()
    let sqlite = project.process(
      "/usr/bin/sqlite3", [project.path("data/db/myapp.db")], stdin: reader.fileHandleForReading,
      stdout: FileHandle.nullDevice, stderr: FileHandle.standardError)
    try sqlite.run()
    defer {
      try? reader.fileHandleForWriting.close()
      sqlite.waitUntilExit()
    }
    reader.fileHandleForWriting.write(Data("SELECT count(*) FROM example_items;\n".utf8))
    try project.write("", to: "keep-writing")
    let script = """
      i=1
      while [ -e keep-writing ]; do
        for b in json sqlite; do
          "$PROJECT" svc example update --where 'count>=0' --count $i --yes --backend $b >/dev/null || exit 1
        done
        echo $i > progress.tmp && mv progress.tmp progress
        i=$((i+1))
      done
      """
    let writer = try project.start(
      "/bin/sh", ["-c", script], environment: ["PROJECT": ProjectRunner.binary], stderr: FileHandle.standardError)
    defer { if writer.isRunning { writer.terminate() } }
    func progress() -> Int {
      Int((project.read("progress") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
    /// Waits until the writer has finished a step after `step`.
    func waitForStep(after step: Int) throws -> Int {
      let deadline = Date().addingTimeInterval(60)
      while progress() <= step {
        try #require(writer.isRunning, "the writer stopped")
        try #require(Date() < deadline, "the writer made no progress")
        usleep(5_000)
      }
      return progress()
    }
    var step = 0
    for n in 0..<3 {
      step = try waitForStep(after: step)
      try project.succeed(["backup", "--to", "bk\(n)"])
      let counts = try Self.counts(project, in: "bk\(n)")
      for backend in Self.backends {
        let values = counts[backend] ?? []
        #expect(values.count == 300, "\(backend) in bk\(n)")
        #expect(Set(values).count == 1, "\(backend) in bk\(n) holds records of different steps: \(Set(values))")
        #expect((values.first ?? 0) >= step, "\(backend) in bk\(n) is older than step \(step)")
      }
      #expect(try sha256sumCheck(project, "bk\(n)").status == 0)
    }
    try FileManager.default.removeItem(atPath: project.path("keep-writing"))
    writer.waitUntilExit()
    #expect(writer.terminationStatus == 0, "the writer failed while backups ran")
  }
}
