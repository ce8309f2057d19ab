import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// An import of 200,000 records that is interrupted (Ctrl-C, or SIGKILL) leaves the target as it
/// was: the same records, a JSON store file byte for byte the same, a SQLite database that passes
/// `PRAGMA integrity_check`, and nothing left behind that blocks or litters the next import.
@Suite struct InterruptedImportTests {
  static let recordCount = 200_000
  static let storeFile = "data/json/example_items.json"
  static let database = "data/db/myapp.db"

  enum Signal: CustomStringConvertible, CaseIterable {
    case interrupt, kill
    var number: Int32 { self == .interrupt ? SIGINT : SIGKILL }
    var description: String { self == .interrupt ? "SIGINT" : "SIGKILL" }
  }

  /// When the signal is sent.
  enum Moment: String, CustomStringConvertible, Sendable {
    /// After a random 50–400 ms (shorter on each retry).
    case randomDelay
    /// While the new data is being written: the JSON store's temp file exists, or SQLite's WAL
    /// (or, for a new database, the file itself) has grown past 1 MiB inside the import's
    /// transaction.
    case midWrite
    var description: String { rawValue }
  }

  /// 200,000 small valid NDJSON records, made once.
  static let bigFile: Data = {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(recordCount * 60)
    for i in 0..<recordCount {
      bytes.append(contentsOf: "{\"name\": \"item \(i)\", \"count\": \(i % 50), \"tags\": [\"t\"]}\n".utf8)
    }
    return Data(bytes)
  }()

  static let smallFile = """
    {"name": "after 1", "count": 1}
    {"name": "after 2", "status": "archived"}
    {"name": "after 3", "tags": ["x"]}

    """

  @Test(arguments: ["sqlite", "json"], Signal.allCases)
  func importInterruptedAfterARandomDelay(target: String, signal: Signal) throws {
    try interrupt(target: target, signal: signal, moment: .randomDelay)
  }

  @Test(arguments: ["sqlite", "json"], Signal.allCases)
  func importInterruptedWhileWriting(target: String, signal: Signal) throws {
    try interrupt(target: target, signal: signal, moment: .midWrite)
  }

  /// An import into a database file that does not exist yet runs without WAL (a rollback
  /// journal) until it commits: interrupted, it leaves an empty table.
  @Test(arguments: Signal.allCases, [Moment.randomDelay, .midWrite])
  func importIntoANewDatabaseInterrupted(signal: Signal, moment: Moment) throws {
    try interrupt(target: "sqlite", signal: signal, moment: moment, newDatabase: true)
  }

  /// Up to 5 attempts: an import that finished before the signal tested nothing, so it is noted
  /// and tried again with a shorter delay.
  func interrupt(target: String, signal: Signal, moment: Moment, newDatabase: Bool = false) throws {
    let attempts = moment == .randomDelay ? 5 : 3
    for attempt in 0..<attempts {
      let delay = max(1, Int.random(in: 50...400) >> attempt)
      if try interruptOnce(
        target: target, signal: signal, moment: moment, delayMilliseconds: delay, newDatabase: newDatabase)
      {
        return
      }
    }
    Issue.record(
      "every import of \(Self.recordCount) records finished before \(signal) reached it (\(attempts) attempts, \(moment)); nothing was tested"
    )
  }

  /// Names of `.tmp` files beside the JSON store, hidden ones included.
  func tempFiles(_ project: ProjectRunner) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: project.path("data/json"))) ?? []).filter {
      $0.hasSuffix(".tmp")
    }.sorted()
  }

  func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
  }

  func integrityCheck(_ project: ProjectRunner, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let check = try project.tool(sqliteShell, [Self.database, "PRAGMA integrity_check"])
    #expect(
      check.status == 0 && check.stdout == "ok\n", "sqlite3 \(Self.database) 'PRAGMA integrity_check': \(check)",
      sourceLocation: sourceLocation)
  }

  /// One attempt. Returns false when the import finished (or committed) before the signal.
  /// Three records go in first, unless the import is to make a new database.
  func interruptOnce(target: String, signal: Signal, moment: Moment, delayMilliseconds: Int, newDatabase: Bool) throws
    -> Bool
  {
    let project = try ProjectRunner()
    try Self.bigFile.write(to: project.url("big.ndjson"))
    let kept = newDatabase ? [] : ["keep 1", "keep 2", "keep 3"]
    for name in kept {
      try project.add(["--name", name, "--tags", "old"], backend: target)
    }
    let before = try project.list(target)
    try #require(before.count == kept.count)
    if newDatabase { try #require(!project.exists(Self.database)) }
    let snapshot = project.bytes(Self.storeFile)
    if target == "json" { try #require(snapshot != nil, "no JSON store file after three adds") }

    // Start the import; stdout to /dev/null, stderr to a file outside the work folder.
    let stderrURL = project.root.appendingPathComponent("import.stderr")
    FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
    let stderr = try FileHandle(forWritingTo: stderrURL)
    defer { try? stderr.close() }
    let process = project.process(
      "/usr/bin/env",
      [
        "--default-signal=INT", ProjectRunner.binary, "svc", "example", "import", "--from", "big.ndjson", "--target",
        target,
      ],
      stdout: FileHandle.nullDevice, stderr: stderr)
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    // `env --default-signal=INT` (see `ProjectRunner.start`): the Ctrl-C reaches `project`.
    try process.run()

    var when = "after \(delayMilliseconds) ms"
    switch moment {
    case .randomDelay:
      usleep(UInt32(delayMilliseconds) * 1000)
    case .midWrite:
      let wal = project.path(Self.database + "-wal")
      let deadline = Date().addingTimeInterval(600)
      while process.isRunning, Date() < deadline {
        if target == "json", let temp = tempFiles(project).first {
          when = "while \(temp) existed"
          break
        }
        if target == "sqlite", fileSize(wal) > 1 << 20 {
          when = "with \(fileSize(wal)) bytes in the WAL"
          break
        }
        if newDatabase, fileSize(project.path(Self.database)) > 1 << 20 {
          when = "with \(fileSize(project.path(Self.database))) bytes in the new database"
          break
        }
        usleep(1000)
      }
    }
    kill(process.processIdentifier, signal.number)
    if finished.wait(timeout: .now() + 300) == .timedOut {
      kill(process.processIdentifier, SIGKILL)
      _ = finished.wait(timeout: .now() + 10)
      Issue.record("the import did not end within 300 s of \(signal)")
      return true
    }
    process.waitUntilExit()
    let errors = String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self)
    let how =
      "`project svc example import --from big.ndjson --target \(target)` sent \(signal) \(when) ended with "
      + (process.terminationReason == .exit
        ? "exit \(process.terminationStatus)" : "signal \(process.terminationStatus)")
      + (errors.isEmpty ? "" : ", stderr:\n\(errors)")

    if process.terminationReason == .exit && process.terminationStatus == 0 {
      Issue.record("finished before the signal, trying again: \(how)", severity: .warning)
      return false
    }
    if signal == .kill {
      #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL, "\(how)")
    } else {
      // Killed by SIGINT, or a handler that cleaned up and exited with a failure code.
      #expect(
        process.terminationReason == .uncaughtSignal
          ? process.terminationStatus == SIGINT : process.terminationStatus != 0, "\(how)")
    }

    // The import may have committed in the instant before the signal arrived: all or nothing.
    let count = try project.count(target)
    if count == kept.count + Self.recordCount {
      if target == "sqlite" { try integrityCheck(project) }
      Issue.record("the import had committed when the signal arrived, trying again: \(how)", severity: .warning)
      return false
    }

    // Exactly the records from before (three, or none for a new database), the same in every value.
    let after = try project.list(target)
    #expect(
      after == before,
      "\(how)\nthe store holds \(after.count) records, expected the \(kept.count) from before: \(after.prefix(5))")
    #expect(count == kept.count, "\(how)")
    if target == "json" {
      let bytes = project.bytes(Self.storeFile)
      #expect(bytes == snapshot, "\(how)\nthe JSON store file changed:\n\(project.read(Self.storeFile) ?? "(missing)")")
      #expect(throws: Never.self, "\(how)\nthe JSON store file no longer parses") {
        try JSON.parse(project.read(Self.storeFile) ?? "")
      }
    } else if newDatabase && !project.exists(Self.database) {
      // Killed before it created the file (a loaded machine starts the debug build slowly): the
      // state from before, with nothing to check.
    } else {
      try integrityCheck(project)
    }

    // A Ctrl-C must not leave the temp file behind; after SIGKILL one may remain until the next write.
    let leftovers = tempFiles(project)
    if signal == .interrupt {
      #expect(leftovers.isEmpty, "\(how)\ntemp files left beside the JSON store: \(leftovers)")
    }

    // Nothing blocks the next import: no stale lock, no hot journal; it cleans up after the dead one.
    try project.write(Self.smallFile, to: "small.ndjson")
    let next = try project.run(["svc", "example", "import", "--from", "small.ndjson", "--target", target])
    #expect(next.status == 0 && !next.showsCrash, "the import after the interrupted one failed (\(how)):\n\(next)")
    #expect(try project.count(target) == kept.count + 3, "\(how)")
    let names = try project.list(target).compactMap { $0["name"]?.string }
    #expect(names == kept + ["after 1", "after 2", "after 3"], "\(how)")
    #expect(
      tempFiles(project).isEmpty,
      "\(how)\ntemp files left after the next import: \(tempFiles(project)) (before it: \(leftovers))")
    #expect(!project.exists(Self.database + "-journal"), "\(how)\n\(Self.database)-journal left after the next import")
    if target == "sqlite" {
      try integrityCheck(project)
      let mode = try project.tool(sqliteShell, [Self.database, "PRAGMA journal_mode"])
      #expect(mode.stdout == "wal\n", "\(how)\njournal mode after the next import: \(mode)")
    } else {
      #expect(throws: Never.self, "the JSON store file does not parse after the next import") {
        try JSON.parse(project.read(Self.storeFile) ?? "")
      }
    }
    return true
  }
}
