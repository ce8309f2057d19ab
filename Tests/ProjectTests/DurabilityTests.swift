import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The data reaches the disk before a command reports success: each write command runs under
/// `strace`, and the order of its system calls is the one Documentation/Reliability.md promises.
/// (A SIGKILL leaves the page cache intact, so the kill tests alone would pass without a single
/// `fsync`; these fail when any one of them is removed.)
@Suite struct DurabilityTests {
  static let calls = [
    "write", "pwrite64", "fsync", "fdatasync", "rename", "renameat", "renameat2", "unlink", "fcntl", "mkdir",
  ]

  static func folder(_ path: String) -> String { (path as NSString).deletingLastPathComponent }

  /// The point where the command reports: its first output, or its exit.
  static func acknowledgement(_ calls: [TracedCall]) -> Int {
    calls.firstIndex { $0.name == "write" && ($0.fd == 1 || $0.fd == 2) } ?? calls.count
  }

  /// The first `fsync`/`fdatasync` of the folder `folder` after `start`, before `end`.
  static func folderSync(_ folder: String, in calls: [TracedCall], after start: Int, before end: Int) -> Int? {
    guard start < end else { return nil }
    return (start..<end).first { i in
      (calls[i].name == "fsync" || calls[i].name == "fdatasync") && calls[i].result == 0 && calls[i].fdPath == folder
    }
  }

  @Test(arguments: WriteCommand.all)
  func systemCallsFollowTheDocumentedOrder(command: WriteCommand) throws {
    let fixture = try DurabilityFixture()
    try fixture.reset()
    let (result, all, log) = try fixture.project.traced(command.arguments, calls: Self.calls)
    try #require(result.status == 0, "\(result)")
    let calls = Array(all[ProjectRunner.manifestIndex(all)...])
    let ack = Self.acknowledgement(calls)
    let context = "\(command): \(result)\n\(log.split(separator: "\n").suffix(80).joined(separator: "\n"))"
    if command.writesSQLite {
      Self.expectSyncedWALCommits(calls, ack: ack, context: context)
    } else {
      let target = command.target == "file" ? WriteCommand.exportFile : WriteCommand.jsonStore
      Self.expectAtomicReplaces(calls, of: fixture.project.path(target), ack: ack, context: context)
    }
    Self.expectNewFoldersSynced(calls, ack: ack, context: context)
  }

  /// Temp file written, `fsync` of the temp file, `rename` over the target, `fsync` of the
  /// folder, then the report; the target is never opened for writing in place.
  static func expectAtomicReplaces(
    _ calls: [TracedCall], of target: String, ack: Int, context: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let renames = calls.indices.filter { calls[$0].name == "rename" && calls[$0].result == 0 }
    #expect(
      renames.contains { calls[$0].paths.last == target }, "no rename over \(target)\n\(context)",
      sourceLocation: sourceLocation)
    for r in renames {
      let (temp, final) = (calls[r].paths.first ?? "", calls[r].paths.last ?? "")
      #expect(
        temp.hasSuffix(".tmp") && folder(temp) == folder(final), "rename \(temp) → \(final)\n\(context)",
        sourceLocation: sourceLocation)
      guard
        let opened = calls[..<r].lastIndex(where: { $0.name == "openat" && $0.paths.first == temp && $0.result >= 0 })
      else {
        Issue.record("\(temp) renamed but never created\n\(context)", sourceLocation: sourceLocation)
        continue
      }
      #expect(calls[opened].arguments.contains("O_CREAT|O_EXCL"), "\(calls[opened])", sourceLocation: sourceLocation)
      let fd = calls[opened].result
      let writes = (opened..<r).filter { calls[$0].name == "write" && calls[$0].fd == fd && calls[$0].result > 0 }
      #expect(!writes.isEmpty, "nothing written to \(temp)\n\(context)", sourceLocation: sourceLocation)
      let synced = ((writes.last ?? opened)..<r).contains {
        calls[$0].name == "fsync" && calls[$0].fd == fd && calls[$0].result == 0
      }
      #expect(
        synced, "\(temp) renamed over \(final) without an fsync after its last write\n\(context)",
        sourceLocation: sourceLocation)
      let folderSynced = folderSync(folder(final), in: calls, after: r, before: ack)
      #expect(
        folderSynced != nil, "no fsync of \(folder(final)) between the rename over \(final) and the report\n\(context)",
        sourceLocation: sourceLocation)
    }
    let inPlace = calls.filter {
      $0.name == "openat" && $0.paths.first == target
        && ($0.arguments.contains("O_WRONLY") || $0.arguments.contains("O_RDWR") || $0.arguments.contains("O_TRUNC"))
    }
    #expect(inPlace.isEmpty, "\(target) opened for writing in place: \(inPlace)", sourceLocation: sourceLocation)
  }

  /// Every WAL commit (the frames written while the WAL write lock, byte 120 of the `-shm` file,
  /// is held) is `fdatasync`ed before the lock is released and before the report: what
  /// `synchronous = FULL` does, and `NORMAL` would not.
  static func expectSyncedWALCommits(
    _ calls: [TracedCall], ack: Int, context: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    var locked: Int?
    var commits = 0
    for (i, call) in calls.enumerated() where call.name == "fcntl" && call.arguments.contains("l_start=120,") {
      if call.arguments.contains("F_WRLCK") { locked = i }
      guard call.arguments.contains("F_UNLCK"), let start = locked else { continue }
      locked = nil
      let frames = (start..<i).filter { calls[$0].name == "pwrite64" && (calls[$0].fdPath ?? "").hasSuffix("-wal") }
      guard let last = frames.last else { continue }
      commits += 1
      let synced = (last..<i).contains { j in
        (calls[j].name == "fdatasync" || calls[j].name == "fsync") && calls[j].result == 0
          && (calls[j].fdPath ?? "").hasSuffix("-wal")
      }
      #expect(
        synced,
        "a commit released the WAL write lock without syncing the WAL: \(calls[start...i].map(\.line).joined(separator: "\n"))\n\(context)",
        sourceLocation: sourceLocation)
      #expect(i < ack, "reported before its commit\n\(context)", sourceLocation: sourceLocation)
    }
    #expect(commits >= 1, "no WAL commit seen\n\(context)", sourceLocation: sourceLocation)
  }

  /// A rollback-journal commit: journal synced before the database is written, database synced
  /// before the journal is deleted, and the folder synced after the delete (the commit point),
  /// before the report.
  static func expectSyncedJournalCommits(
    _ calls: [TracedCall], ack: Int, context: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let deletes = calls.indices.filter {
      calls[$0].name == "unlink" && (calls[$0].paths.first ?? "").hasSuffix("-journal") && calls[$0].result == 0
    }
    #expect(!deletes.isEmpty, "no journal commit seen\n\(context)", sourceLocation: sourceLocation)
    for d in deletes {
      let journal = calls[d].paths.first ?? ""
      let database = String(journal.dropLast("-journal".count))
      guard let opened = calls[..<d].lastIndex(where: { $0.name == "openat" && $0.paths.first == journal }) else {
        continue
      }
      let isSync = { (j: Int, path: String) in
        (calls[j].name == "fdatasync" || calls[j].name == "fsync") && calls[j].result == 0 && calls[j].fdPath == path
      }
      let dbWrites = (opened..<d).filter { calls[$0].name == "pwrite64" && calls[$0].fdPath == database }
      if let first = dbWrites.first {
        #expect(
          (opened..<first).contains { isSync($0, journal) },
          "database written before its journal was synced\n\(context)", sourceLocation: sourceLocation)
        #expect(
          (dbWrites.last!..<d).contains { isSync($0, database) },
          "journal deleted before the database was synced\n\(context)", sourceLocation: sourceLocation)
      }
      #expect(
        folderSync(folder(journal), in: calls, after: d, before: ack) != nil,
        "no sync of the folder after deleting \(journal) (the commit), before the report\n\(context)",
        sourceLocation: sourceLocation)
    }
  }

  /// A folder a command creates is on disk (its parent synced) before the command reports.
  static func expectNewFoldersSynced(
    _ calls: [TracedCall], ack: Int, context: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    for i in calls.indices where calls[i].name == "mkdir" && calls[i].result == 0 {
      let made = calls[i].paths.first ?? ""
      #expect(
        folderSync(folder(made), in: calls, after: i, before: ack) != nil,
        "\(made) created, but its parent folder not synced before the report\n\(context)",
        sourceLocation: sourceLocation)
    }
  }

  /// The first import into a database file that does not exist yet commits in rollback-journal
  /// mode (`synchronous = EXTRA`), then switches the file to WAL: every commit on the way is
  /// synced, the folder after each journal delete.
  @Test func aNewDatabaseIsSyncedAtEveryCommitAndItsFolderAfterTheJournalIsDeleted() throws {
    let fixture = try DurabilityFixture()
    try fixture.reset()
    try FileManager.default.removeItem(atPath: fixture.project.path("data/db"))
    let (result, all, log) = try fixture.project.traced(
      WriteCommand.named("import", "sqlite").arguments, calls: Self.calls)
    try #require(result.status == 0, "\(result)")
    let calls = Array(all[ProjectRunner.manifestIndex(all)...])
    let ack = Self.acknowledgement(calls)
    let context = "\(result)\n\(log)"
    Self.expectSyncedJournalCommits(calls, ack: ack, context: context)
    Self.expectNewFoldersSynced(calls, ack: ack, context: context)
    #expect(try fixture.state(WriteCommand.named("import", "sqlite"))?.split(separator: "\n").count == 2)
  }

  /// A stale temp file of a dead writer is removed by the next write; one of a process that
  /// still runs (it may be writing) is left alone.
  @Test func theNextWriteRemovesTheTempFilesOfDeadWritersOnly() throws {
    let project = try ProjectRunner()
    _ = try project.add(["--name", "first"], backend: "json")
    let live = try project.start("/bin/sleep", ["60"])
    defer {
      kill(live.processIdentifier, SIGKILL)
      live.waitUntilExit()
    }
    let dead = try project.start("/bin/true", [])
    dead.waitUntilExit()
    let deadTemp = "data/json/.example_items.json.\(dead.processIdentifier).0123456789ab.tmp"
    let liveTemp = "data/json/.example_items.json.\(live.processIdentifier).0123456789ab.tmp"
    let neverTemp = "data/json/.example_items.json.2147483000.0123456789ab.tmp"
    let other = "data/json/.other.json.\(dead.processIdentifier).0123456789ab.tmp"
    for file in [deadTemp, liveTemp, neverTemp, other] { try project.write("{\"half\": ", to: file) }
    _ = try project.add(["--name", "second"], backend: "json")
    #expect(!project.exists(deadTemp), "the temp file of a dead process is still there")
    #expect(!project.exists(neverTemp))
    #expect(project.exists(liveTemp), "the temp file of a running process was removed")
    #expect(project.exists(other), "a temp file of another store file was removed")
    #expect(try project.count("json") == 2)
  }

  /// New files follow the umask: the JSON store 0666 less it, SQLite's database (and its WAL)
  /// 0644 less it; a rewrite keeps a JSON store file's mode.
  @Test func newSQLiteFilesFollowTheUmask() throws {
    for (umask, mode) in [("077", "600"), ("002", "644")] {
      let project = try ProjectRunner()
      let result = try project.tool(
        "/bin/bash",
        [
          "-c",
          """
          umask \(umask); '\(ProjectRunner.binary)' svc example add --name a --backend sqlite >/dev/null || exit 9
          stat -c %a data/db/myapp.db
          """,
        ])
      #expect(result.stdout == "\(mode)\n", "umask \(umask): \(result)")
    }
  }
}
