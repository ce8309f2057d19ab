import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Every write command of both stores, made to fail or killed at one system call after another.
///
/// After each run: a command that exited 0 left the new state; one that failed (exit 1, or 2 when
/// the fault hit reading the manifest) or was killed left exactly the old state or the new one,
/// and said why in one line wherever stderr could still be written; the next write succeeds,
/// keeps what was acknowledged, and leaves no temp file or journal behind.
///
/// libfiu (`fiu-run`) fails calls made through the C library's `open`, `write`, `pwrite`, `fsync`,
/// `fdatasync`, `rename`, … . It cannot reach `openat` (what `opendir` uses inside the C library),
/// `flock` (the JSON store's lock), `fcntl` (SQLite's locks), `mkdir`, `renameat`, or any call the
/// C library makes itself; strace's fault injection (`-e inject=SYSCALL:error=EIO:when=N`) fails
/// each of those, at the system call, one occurrence at a time.
@Suite struct FaultInjectionTests {
  /// What a run may end as.
  struct Outcome {
    var result: RunResult
    var fired: Bool
  }

  /// Runs `command` under each fault in turn, from the fixture's state, and checks what it left.
  /// Returns how many of the faults fired.
  @discardableResult
  static func check(
    _ command: WriteCommand, under faults: [Fault], fixture: DurabilityFixture, new: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> Int {
    var fired = 0
    try fixture.reset()
    let old = try #require(try fixture.state(command))
    for fault in faults {
      try fixture.reset()
      let (result, injected) = try fixture.project.run(command.arguments, fault: fault)
      let how = "\(command) under \(fault): \(result)"
      let killed = result.signaled && result.status == SIGKILL
      let state = try fixture.state(command)
      if case .fiu = fault {
        if result.status != 0 || (result.stdout.isEmpty && result.stderr.isEmpty) { fired += 1 }
      } else if injected {
        fired += 1
      }
      if result.status == 0 && !result.signaled {
        #expect(
          state == new, "acknowledged, but the store does not hold the new state: \(how)\n\(state ?? "(unreadable)")",
          sourceLocation: sourceLocation)
      } else if killed, case .killAt = fault {
        #expect(
          state == old || state == new,
          "killed: neither the old state nor the new one: \(how)\n\(state ?? "(unreadable)")",
          sourceLocation: sourceLocation)
      } else {
        let manifest = result.status == 2 && (result.stderr.contains("project.yaml") || result.stderr.isEmpty)
        #expect(result.status == 1 || manifest, "exit code: \(how)", sourceLocation: sourceLocation)
        #expect(!result.showsCrash, "crashed: \(how)", sourceLocation: sourceLocation)
        #expect(
          state == old || state == new, "neither the old state nor the new one: \(how)\n\(state ?? "(unreadable)")",
          sourceLocation: sourceLocation)
        if manifest { #expect(state == old, "\(how)", sourceLocation: sourceLocation) }
        // One sentence, unless the fault took stderr with it.
        if !result.stderr.isEmpty {
          #expect(
            result.stderrLines.count == 1 && result.stderr.hasPrefix("project: "), "not one clear line: \(how)",
            sourceLocation: sourceLocation)
        }
      }
      // The next write succeeds, keeps what the store held, and leaves nothing behind.
      let next = try fixture.project.run(command.nextWrite)
      #expect(
        next.status == 0 && !next.showsCrash, "the next write after \(how) failed: \(next)",
        sourceLocation: sourceLocation)
      let after = try fixture.state(command) ?? ""
      if command.target != "file", let state {
        let kept = Set(state.split(separator: "\n")).isSubset(of: Set(after.split(separator: "\n")))
        #expect(
          kept, "the next write lost records after \(how):\nbefore:\n\(state)\nafter:\n\(after)",
          sourceLocation: sourceLocation)
      }
      let leftovers = fixture.leftovers()
      #expect(
        leftovers.isEmpty, "left behind after the next write: \(leftovers) (\(how))", sourceLocation: sourceLocation)
      if command.writesSQLite {
        #expect(try fixture.integrity() == "ok", "integrity_check after \(how)", sourceLocation: sourceLocation)
      }
    }
    return fired
  }

  /// The state `command` leaves when nothing fails.
  static func newState(_ command: WriteCommand, _ fixture: DurabilityFixture) throws -> String {
    try fixture.reset()
    try fixture.project.succeed(command.arguments)
    return try #require(try fixture.state(command))
  }

  /// Up to `limit` occurrences, spread over the whole run (first and last always; the middle one
  /// when only one).
  static func sample(_ numbers: [Int], limit: Int) -> [Int] {
    guard numbers.count > limit else { return numbers }
    if limit == 1 { return [numbers[numbers.count / 2]] }
    return (0..<limit).map { numbers[$0 * (numbers.count - 1) / (limit - 1)] }
  }

  /// The calls each run of `command` makes after reading its manifest, as strace counts them.
  static func occurrences(_ command: WriteCommand, _ fixture: DurabilityFixture, calls: [String]) throws -> [String:
    [Int]]
  {
    try fixture.reset()
    let (result, all, _) = try fixture.project.traced(command.arguments, calls: calls)
    try #require(result.status == 0, "\(result)")
    var found: [String: [Int]] = [:]
    for call in calls { found[call] = ProjectRunner.occurrences(of: call, in: all) }
    return found
  }

  static let failingCalls = [
    "openat", "write", "pwrite64", "fsync", "fdatasync", "rename", "unlink", "flock", "fcntl", "mkdir", "ftruncate",
  ]

  /// Each system call a write makes, failed with EIO: up to three occurrences of `fsync`,
  /// `fdatasync`, `rename`, `flock` and `mkdir` (first, middle, last), the middle one of the
  /// others (`openat`, `write`, `pwrite64`, `unlink`, `fcntl`, `ftruncate`).
  @Test(arguments: WriteCommand.all)
  func everySystemCallFailingInTurn(command: WriteCommand) throws {
    let fixture = try DurabilityFixture()
    let new = try Self.newState(command, fixture)
    let counts = try Self.occurrences(command, fixture, calls: Self.failingCalls)
    var faults: [Fault] = []
    for call in Self.failingCalls {
      let limit = ["fsync", "fdatasync", "rename", "flock", "mkdir"].contains(call) ? 3 : 1
      faults += Self.sample(counts[call] ?? [], limit: limit).map { Fault.failCall(call, occurrence: $0, errno: "EIO") }
    }
    try #require(!faults.isEmpty)
    let fired = try Self.check(command, under: faults, fixture: fixture, new: new)
    #expect(fired == faults.count, "\(faults.count - fired) injected faults did not fire")
  }

  /// The SIGKILL loop over every write command: the process is killed as it reaches a step of
  /// its write (the first and the last `write`, `fsync`, `fdatasync` and `rename`, and an
  /// `openat`, `pwrite64` and `unlink` from the middle of the run), not after a random sleep.
  /// The first `write` is the store's own for a small file: a write into the file in place
  /// would be caught there, where the middle one is often the acknowledgement.
  @Test(arguments: WriteCommand.all)
  func killedAtEveryStepOfItsWrite(command: WriteCommand) throws {
    let fixture = try DurabilityFixture()
    let new = try Self.newState(command, fixture)
    let steps = ["openat", "write", "pwrite64", "fsync", "fdatasync", "rename", "unlink"]
    let counts = try Self.occurrences(command, fixture, calls: steps)
    var faults: [Fault] = []
    for call in steps {
      let limit = ["write", "fsync", "fdatasync", "rename"].contains(call) ? 2 : 1
      faults += Self.sample(counts[call] ?? [], limit: limit).map { Fault.killAt(call, occurrence: $0) }
    }
    let fired = try Self.check(command, under: faults, fixture: fixture, new: new)
    #expect(fired == faults.count, "\(faults.count - fired) kills did not land")
  }

  /// Each `openat` of a JSON write failing in turn as if the file were not there (ENOENT, which
  /// libfiu's random `open` failures also give): a command that takes the store file for
  /// missing must not put a new file in its place.
  @Test(arguments: WriteCommand.all.filter { !$0.writesSQLite })
  func everyOpenFailingAsIfTheFileWereMissingLosesNothing(command: WriteCommand) throws {
    let fixture = try DurabilityFixture()
    let new = try Self.newState(command, fixture)
    let counts = try Self.occurrences(command, fixture, calls: ["openat"])
    let faults = (counts["openat"] ?? []).map { Fault.failCall("openat", occurrence: $0, errno: "ENOENT") }
    try #require(!faults.isEmpty)
    let fired = try Self.check(command, under: faults, fixture: fixture, new: new)
    #expect(fired == faults.count, "\(faults.count - fired) injected faults did not fire")
  }

  /// libfiu's failures of the C library's calls: each always failing, then all I/O at random.
  @Test(arguments: WriteCommand.all)
  func libfiuFaults(command: WriteCommand) throws {
    let fixture = try DurabilityFixture()
    let new = try Self.newState(command, fixture)
    // The calls each store makes: the JSON writer write()s, fsync()s and rename()s; SQLite
    // pwrite()s and fdatasync()s (it never renames).
    let always =
      command.writesSQLite
      ? ["posix/io/sync/fdatasync", "posix/io/rw/pwrite"]
      : ["posix/io/sync/fsync", "posix/io/rw/write", "posix/io/dir/rename"]
    for point in always {
      let fired = try Self.check(command, under: [.fiu(point, probability: nil)], fixture: fixture, new: new)
      #expect(fired == 1, "\(point) did not make \(command) fail")
    }
    // `open` always failing stops every command at its manifest (exit 2): at random, it also
    // reaches the store's files. Three random runs each, then more, one at a time, until one
    // fired (a run whose faults all hit calls the command retries or ignores fires nothing).
    for (point, probability) in [("posix/io/oc/open", 0.4), ("posix/io/*", 0.1)] {
      var fired = try Self.check(
        command, under: Array(repeating: .fiu(point, probability: probability), count: 3), fixture: fixture, new: new)
      var runs = 3
      while fired == 0 && runs < 20 {
        fired = try Self.check(command, under: [.fiu(point, probability: probability)], fixture: fixture, new: new)
        runs += 1
      }
      #expect(fired > 0, "\(point) at p=\(probability) never fired in \(runs) runs of \(command)")
    }
  }
}
