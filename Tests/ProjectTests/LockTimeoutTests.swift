import Foundation
import Testing

/// `PROJECT_LOCK_TIMEOUT`: how long a writer waits for another process's lock (the JSON store's
/// `flock`, SQLite's busy timeout), end to end with a short value, and what the user then reads.
@Suite struct LockTimeoutTests {
  static func expected(_ location: String, _ seconds: String) -> String {
    "project: \(location): still locked by another process after \(seconds) s; nothing was written (PROJECT_LOCK_TIMEOUT sets how long to wait)"
  }

  /// Holds the store's lock for `seconds` in a background shell, runs `command` meanwhile.
  func whileLocked(
    _ project: ProjectRunner, backend: String, holdFor seconds: Double, _ command: [String], timeout: String
  ) throws -> (RunResult, elapsed: Double) {
    let holder: String
    if backend == "json" {
      holder = "flock data/json/example_items.json.lock sleep \(seconds) &"
    } else {
      // BEGIN IMMEDIATE takes SQLite's write lock and keeps it while the shell waits for input.
      holder = "( echo 'BEGIN IMMEDIATE;'; sleep \(seconds); echo 'COMMIT;' ) | \(sqliteShell) data/db/myapp.db &"
    }
    let quoted = command.map { "'\($0)'" }.joined(separator: " ")
    let script = """
      \(holder)
      sleep 0.3
      start=$(date +%s%N)
      PROJECT_LOCK_TIMEOUT=\(timeout) '\(ProjectRunner.binary)' \(quoted) > out 2> err
      echo $? > status
      end=$(date +%s%N)
      echo $(( (end - start) / 1000000 )) > elapsed
      wait
      """
    let shell = try project.tool("/bin/bash", ["-c", script], timeout: 60)
    try #require(shell.status == 0, "\(shell)")
    let result = RunResult(
      arguments: command, stdout: project.read("out") ?? "", stderr: project.read("err") ?? "",
      status: Int32((project.read("status") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1,
      signaled: false)
    let elapsed =
      (Double((project.read("elapsed") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1000) / 1000
    return (result, elapsed)
  }

  @Test(arguments: ["json", "sqlite"])
  func aWriterGivesUpAfterTheTimeoutWithOneClearSentence(backend: String) throws {
    let project = try ProjectRunner()
    _ = try project.add(["--name", "before"], backend: backend)
    let location = backend == "json" ? "data/json/example_items.json" : "data/db/myapp.db (table example_items)"
    // Held for 4 s, waited for 0.5 s: fails after about 0.5 s, nothing written.
    let (failed, waited) = try whileLocked(
      project, backend: backend, holdFor: 4, ["svc", "example", "add", "--name", "x", "--backend", backend],
      timeout: "0.5")
    expectFailure(failed, exitCode: 1, stderr: Self.expected(location, "0.5"))
    #expect(waited >= 0.45 && waited < 3.5, "waited \(waited) s")
    #expect(try project.count(backend) == 1)
    // Held for 1 s, waited for up to 20 s: goes through once the lock is free.
    let (succeeded, took) = try whileLocked(
      project, backend: backend, holdFor: 1, ["svc", "example", "add", "--name", "y", "--backend", backend],
      timeout: "20")
    #expect(succeeded.status == 0, "\(succeeded)")
    #expect(took >= 0.5 && took < 15, "took \(took) s")
    #expect(try project.count(backend) == 2)
  }

  @Test(arguments: ["abc", "-1", "1e3", "30s", " 5", "inf"])
  func aBadValueIsAClearErrorNamingTheVariable(value: String) throws {
    let project = try ProjectRunner()
    let result = try project.run(
      ["svc", "example", "add", "--name", "x", "--backend", "json"], environment: ["PROJECT_LOCK_TIMEOUT": value])
    expectFailure(
      result, exitCode: 2,
      stderr: "project: PROJECT_LOCK_TIMEOUT must be a number of seconds, 0 or more (such as 30 or 0.5), not '\(value)'"
    )
    #expect(!project.exists("data"))
  }

  @Test func theDefaultIsThirtySecondsAndZeroMeansDoNotWait() throws {
    let project = try ProjectRunner()
    // Zero: a held lock fails at once.
    _ = try project.add(["--name", "before"], backend: "json")
    let shell = try project.tool(
      "/bin/bash",
      [
        "-c",
        """
        flock data/json/example_items.json.lock sleep 3 &
        sleep 0.3
        PROJECT_LOCK_TIMEOUT=0 '\(ProjectRunner.binary)' svc example add --name x --backend json
        echo "status $?"
        kill $!; wait
        """,
      ])
    #expect(shell.stderr == Self.expected("data/json/example_items.json", "0") + "\n", "\(shell)")
    #expect(shell.stdout.hasSuffix("status 1\n"), "\(shell)")
    for value in ["0", "0.25", "30", "600", ""] {
      let ok = try project.run(
        ["svc", "example", "count", "--backend", "json"], environment: ["PROJECT_LOCK_TIMEOUT": value])
      #expect(ok.status == 0 && ok.stdout == "1\n", "PROJECT_LOCK_TIMEOUT=\(value): \(ok)")
    }
  }
}
