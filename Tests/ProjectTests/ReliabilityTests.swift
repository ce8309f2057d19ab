import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Nothing is lost under concurrent writers, kills mid-write, full disks and read-only folders.
@Suite struct ReliabilityTests {
  static let backends = ["json", "sqlite"]

  func bash(_ project: ProjectRunner, _ script: String, timeout: Double = 600) throws -> RunResult {
    try project.tool("/bin/bash", ["-c", "set -u\nP='\(ProjectRunner.binary)'\n" + script], timeout: timeout)
  }

  func lines(_ project: ProjectRunner, _ file: String) -> [String] {
    (project.read(file) ?? "").split(separator: "\n").map(String.init)
  }

  /// Parses a JSON store file with Foundation's parser: another reader's view of it.
  func storedIDs(_ project: ProjectRunner) throws -> Set<String> {
    guard let data = project.bytes("data/json/example_items.json") else { return [] }
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return Set(object.keys)
  }

  @Test(arguments: backends)
  func eightConcurrentWritersLoseNothing(backend: String) throws {
    let project = try ProjectRunner()
    let result = try bash(
      project,
      """
      for w in 1 2 3 4 5 6 7 8; do
        ( for i in $(seq 200); do
            "$P" svc example add --name "w$w-$i" --backend \(backend) >> acked.$w 2>> errors.$w || echo "w$w-$i" >> failed
          done ) &
      done
      wait
      """)
    #expect(result.status == 0, "\(result)")
    #expect(project.read("failed") == nil, "failed adds: \(project.read("failed") ?? "")")
    var acknowledged: Set<String> = []
    for w in 1...8 {
      acknowledged.formUnion(lines(project, "acked.\(w)"))
      #expect((project.read("errors.\(w)") ?? "").isEmpty, "writer \(w): \(project.read("errors.\(w)") ?? "")")
    }
    #expect(acknowledged.count == 1600)
    let stored = Set(try project.list(backend).compactMap { $0["id"]?.string })
    #expect(stored == acknowledged)
    if backend == "json" { #expect(try storedIDs(project) == acknowledged) }
  }

  /// The first import into a database file that does not exist yet writes it in rollback-journal
  /// mode: a reader that comes meanwhile finds no file yet, an empty table, or waits for the
  /// import to commit. Each one sees no record or every record, and none fails. The readers wait
  /// up to `PROJECT_LOCK_TIMEOUT=600` s, so that a slow debug-build import on a loaded machine
  /// cannot outlast their wait (the default 30 s is tested in `LockTimeoutTests`).
  @Test func readersDuringTheFirstImportIntoANewDatabaseSeeNothingOrAll() throws {
    let project = try ProjectRunner()
    try InterruptedImportTests.bigFile.write(to: project.url("big.ndjson"))
    let result = try bash(
      project,
      """
      "$P" svc example import --from big.ndjson --target sqlite > import.out 2> import.err &
      pid=$!
      while kill -0 $pid 2>/dev/null; do
        PROJECT_LOCK_TIMEOUT=600 "$P" svc example count --backend sqlite >> counts 2>> count.err || echo failed >> counts
      done
      wait $pid
      """)
    #expect(result.status == 0, "\(result)\nimport: \(project.read("import.err") ?? "")")
    let counts = lines(project, "counts")
    let all = "\(InterruptedImportTests.recordCount)"
    #expect(!counts.isEmpty)
    #expect(counts.allSatisfy { $0 == "0" || $0 == all }, "counts seen during the import: \(Set(counts))")
    #expect((project.read("count.err") ?? "").isEmpty, "\(project.read("count.err") ?? "")")
    #expect(try project.count("sqlite") == InterruptedImportTests.recordCount)
    let mode = try project.tool(sqliteShell, ["data/db/myapp.db", "PRAGMA journal_mode"])
    #expect(mode.stdout == "wal\n", "\(mode)")
  }

  @Test(arguments: backends)
  func concurrentUpdatesOfOneRecordKeepEveryField(backend: String) throws {
    let project = try ProjectRunner()
    let id = try project.add(["--name", "shared"], backend: backend)
    let result = try bash(
      project,
      """
      for w in 1 2 3 4 5 6 7 8; do
        ( for i in $(seq 25); do
            "$P" svc example update \(id) --set meta.k$w=$i --backend \(backend) > /dev/null || echo "w$w-$i" >> failed
          done ) &
      done
      wait
      """)
    #expect(result.status == 0, "\(result)")
    #expect(project.read("failed") == nil)
    let record = try #require(try project.list(backend).first)
    for w in 1...8 {
      #expect(record["meta"]?["k\(w)"]?.int == 25, "meta.k\(w) in \(record)")
    }
  }

  /// Kills writers with SIGKILL as they reach each step of their write: every `openat`,
  /// `write`, `pwrite64`, `fsync`, `fdatasync`, `rename` and `unlink` an add makes after reading
  /// its manifest, in turn (strace's `inject=…:signal=KILL:when=N`: deterministic, where a
  /// random sleep lands wherever it lands). After every kill the store reads back whole and
  /// holds every record whose add had been acknowledged; the next write is never blocked.
  @Test(arguments: backends)
  func killedWritersNeverCorruptOrLoseAcknowledgedRecords(backend: String) throws {
    let project = try ProjectRunner()
    // Start from a store big enough that a write takes many calls.
    var seed = ""
    for i in 0..<3000 {
      seed +=
        #"{"id": "seed-\#(i)", "name": "seed \#(i) \#(String(repeating: "x", count: 40))", "tags": ["a", "b"]}"# + "\n"
    }
    try project.write(seed, to: "seed.ndjson")
    try project.succeed(["svc", "example", "import", "--from", "seed.ndjson", "--target", backend])
    var acknowledged: Set<String> = ["seed-0", "seed-2999"]
    let add = { (round: Int) in ["svc", "example", "add", "--name", "round \(round)", "--backend", backend] }
    let steps = ["openat", "write", "pwrite64", "fsync", "fdatasync", "rename", "unlink"]
    let (clean, calls, _) = try project.traced(add(-1), calls: steps)
    try #require(clean.status == 0, "\(clean)")
    acknowledged.insert(clean.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    let points = steps.flatMap { step in ProjectRunner.occurrences(of: step, in: calls).map { (step, $0) } }
    try #require(points.count >= 8, "too few steps to kill at: \(points)")
    var killed = 0
    for (round, (step, n)) in points.enumerated() {
      let (result, landed) = try project.run(add(round), fault: .killAt(step, occurrence: n))
      if result.signaled {
        #expect(landed && result.status == SIGKILL, "round \(round), \(step) #\(n): \(result)")
        killed += 1
      } else if result.status == 0 {
        acknowledged.insert(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
      } else {
        Issue.record("round \(round), \(step) #\(n): \(result)")
      }
      if backend == "json" {
        let stored = try storedIDs(project)
        #expect(
          acknowledged.isSubset(of: stored), "round \(round) (\(step) #\(n)): lost \(acknowledged.subtracting(stored))")
      }
      // The next add goes through after the kill, and leaves the store as the first traced one
      // found it (no WAL or temp file), so that the next kill lands at the same step.
      acknowledged.insert(try project.add(["--name", "between \(round)"], backend: backend))
    }
    // Every kill landed (the last one at the write of the acknowledgement, after the store was written).
    #expect(killed == points.count, "\(points.count - killed) of \(points.count) kills did not land")
    // The next write goes through, and the store holds every acknowledged record.
    acknowledged.insert(try project.add(["--name", "after"], backend: backend))
    let ids = try project.list(backend).compactMap { $0["id"]?.string }
    #expect(Set(ids).isSuperset(of: acknowledged))
    #expect(Set(ids).count == ids.count)
    if backend == "json" {
      let leftovers = (try FileManager.default.contentsOfDirectory(atPath: project.path("data/json"))).filter {
        $0.hasSuffix(".tmp")
      }
      #expect(leftovers.isEmpty, "temp files left: \(leftovers)")
    }
    if backend == "sqlite" {
      let check = try project.tool("/usr/bin/sqlite3", [project.path("data/db/myapp.db"), "PRAGMA integrity_check;"])
      #expect(check.stdout == "ok\n", "\(check)")
    }
  }

  /// A file size limit makes the write fail: a clear error, and the file as it was.
  @Test(arguments: backends)
  func aFailedWriteLeavesTheStoreAsItWas(backend: String) throws {
    let project = try ProjectRunner()
    for i in 0..<20 {
      _ = try project.add(["--name", "n\(i)", "--tags", String(repeating: "t,", count: 20) + "t"], backend: backend)
    }
    let file = backend == "json" ? "data/json/example_items.json" : "data/db/myapp.db"
    let before = project.bytes(file)
    // With SIGXFSZ at its default action, as a shell started by cron has it: a test runner
    // that ignores it would pass that on, and the binary's own handling would go untested.
    let result = try bash(
      project,
      "ulimit -f 4; env --default-signal=XFSZ \"$P\" svc example add --name big --tags \(String(repeating: "x,", count: 400))x --backend \(backend)"
    )
    #expect(result.status == 1, "\(result)")
    #expect(!result.showsCrash)
    #expect(result.stderrLines.count == 1, "\(result)")
    #expect(result.stderr.hasPrefix("project: "))
    #expect(result.stderr.contains("File too large") || result.stderr.contains("disk"), "\(result)")
    #expect(project.bytes(file) == before)
    #expect(try project.count(backend) == 20)
  }

  /// A small tmpfs as the data folder: fill it up, then make it read-only. (256 KiB: a new
  /// database of 16 KiB pages with its WAL and shared-memory files needs over 100 KiB.)
  @Test(arguments: backends)
  func fullDiskAndReadOnlyFolderFailCleanly(backend: String) throws {
    let project = try ProjectRunner()
    let data = try project.mountSmallDisk()
    defer { project.unmount(data) }
    let file = backend == "json" ? "data/json/example_items.json" : "data/db/myapp.db"
    var failure: RunResult?
    var added = 0
    for i in 0..<400 {
      let result = try project.run([
        "svc", "example", "add", "--name", "record \(i) " + String(repeating: "y", count: 300), "--backend", backend,
      ])
      if result.status != 0 {
        failure = result
        break
      }
      added += 1
    }
    let full = try #require(failure, "the tmpfs never filled up")
    #expect(full.status == 1, "\(full)")
    #expect(full.stderrLines.count == 1 && full.stderr.hasPrefix("project: "), "\(full)")
    #expect(
      full.stderr.contains("No space left on device") || full.stderr.contains("disk is full")
        || full.stderr.contains("database or disk is full"), "\(full)")
    #expect(!full.showsCrash)
    #expect(try project.count(backend) == added)
    let before = project.bytes(file)
    let again = try project.run([
      "svc", "example", "add", "--name", String(repeating: "z", count: 4000), "--backend", backend,
    ])
    #expect(again.status == 1)
    #expect(project.bytes(file) == before)

    let remount = try project.tool("/bin/mount", ["-o", "remount,ro", data])
    try #require(remount.status == 0, "\(remount)")
    let readOnly = try project.run(["svc", "example", "add", "--name", "x", "--backend", backend])
    #expect(readOnly.status == 1, "\(readOnly)")
    #expect(readOnly.stderrLines.count == 1 && readOnly.stderr.hasPrefix("project: "), "\(readOnly)")
    #expect(readOnly.stderr.localizedCaseInsensitiveContains("read-only"), "\(readOnly)")
    #expect(project.bytes(file) == before)
    #expect(try project.count(backend) == added)
  }

  @Test func newFilesFollowTheUmaskAndRewritesKeepTheMode() throws {
    let project = try ProjectRunner()
    let result = try bash(
      project,
      "umask 027; \"$P\" svc example add --name a --backend json >/dev/null && stat -c %a data/json/example_items.json")
    #expect(result.stdout == "640\n", "\(result)")
    // 0666 less the umask: under 002 the group may write too (a fixed 0644 would pass above).
    let groupWritable = try bash(
      project,
      "rm data/json/example_items.json; umask 002; \"$P\" svc example add --name a --backend json >/dev/null && stat -c %a data/json/example_items.json"
    )
    #expect(groupWritable.stdout == "664\n", "\(groupWritable)")
    _ = try bash(project, "chmod 604 data/json/example_items.json")
    _ = try project.add(["--name", "b"], backend: "json")
    let mode = try bash(project, "stat -c %a data/json/example_items.json")
    #expect(mode.stdout == "604\n")
  }

  @Test func symlinksOutOfTheDataFolderAreRefused() throws {
    let project = try ProjectRunner()
    let outside = project.root.appendingPathComponent("outside").path
    try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: project.path("data"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: project.path("data/json"), withDestinationPath: outside)
    let result = try project.run(["svc", "example", "add", "--name", "x", "--backend", "json"])
    #expect(result.status == 1, "\(result)")
    let resolved = URL(fileURLWithPath: outside).resolvingSymlinksInPath().path
    #expect(
      result.stderrLines == [
        "project: data/json/example_items.json leads to \(resolved)/example_items.json, outside data_dir (data), through a symlink; refusing to use it"
      ])
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
  }
}
