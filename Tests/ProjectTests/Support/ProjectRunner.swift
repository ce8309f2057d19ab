import Foundation
import Testing

/// What one run of a program printed and how it ended.
struct RunResult: CustomStringConvertible {
  var arguments: [String]
  var stdout: String
  var stderr: String
  var status: Int32
  /// True when the process died of a signal (a crash), not by exiting.
  var signaled: Bool

  var stdoutLines: [String] {
    stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLastEmpty()
  }
  var stderrLines: [String] {
    stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLastEmpty()
  }

  var description: String {
    "`project \(arguments.joined(separator: " "))` exited \(status)\(signaled ? " (signal)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)---"
  }

  /// Output that must never appear: the Swift runtime's crash report.
  var showsCrash: Bool {
    signaled || stderr.contains("Fatal error") || stderr.contains("Stack dump")
      || stderr.contains("Current stack trace")
  }
}

extension Array where Element == String {
  fileprivate func dropLastEmpty() -> [String] { last == "" ? Array(dropLast()) : self }
}

/// Runs the built `project` binary end to end in a fresh temporary folder per test.
///
/// Each runner owns `<tmp>/project-e2e-<uuid>/`: `work/` is the current folder of every run (the
/// manifest goes there), `io/` holds captured output, `home/` is `$HOME`. The environment is
/// controlled: no `PROJECT_MANIFEST` unless a test passes it. Output goes to files, not pipes,
/// so a chatty process can never block, and every run has a timeout.
final class ProjectRunner {
  static let timeoutSeconds = 30.0

  let root: URL
  /// The folder the runs start in; the manifest is written here.
  let directory: URL
  private let io: URL
  let home: URL
  private var runCount = 0
  /// Variables every run gets on top of the controlled environment (the PG* variables of a
  /// runner made by `on(_:)` for postgres).
  var baseEnvironment: [String: String] = [:]
  /// The PostgreSQL table of each service (service → table), for a runner made by `on(_:)`.
  var postgresTables: [String: String] = [:]

  /// A fresh folder, with `manifest` written to `project.yaml` unless it is nil.
  init(manifest: String? = Manifests.example) throws {
    let base = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
    root = base.appendingPathComponent("project-e2e-\(UUID().uuidString)", isDirectory: true)
    directory = root.appendingPathComponent("work", isDirectory: true)
    io = root.appendingPathComponent("io", isDirectory: true)
    home = root.appendingPathComponent("home", isDirectory: true)
    for folder in [directory, io, home] {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    if let manifest { try write(manifest, to: "project.yaml") }
  }

  deinit { try? FileManager.default.removeItem(at: root) }

  // MARK: Files in the work folder

  func url(_ relative: String) -> URL { directory.appendingPathComponent(relative) }
  func path(_ relative: String) -> String { url(relative).path }

  func write(_ text: String, to relative: String) throws {
    let target = url(relative)
    try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: target)
  }

  func read(_ relative: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path(relative)) else { return nil }
    return String(decoding: data, as: UTF8.self)
  }

  func bytes(_ relative: String) -> Data? { FileManager.default.contents(atPath: path(relative)) }

  func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

  /// Every file under the work folder (relative path → bytes), leaving out `.lock` sidecars,
  /// which a store may create while it finds that it has nothing to write.
  func snapshot() -> [String: Data] {
    var files: [String: Data] = [:]
    let base = directory.standardizedFileURL.path
    guard let walker = FileManager.default.enumerator(atPath: base) else { return files }
    for case let relative as String in walker where !relative.hasSuffix(".lock") {
      var isFolder: ObjCBool = false
      let full = base + "/" + relative
      if FileManager.default.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue {
        files[relative] = FileManager.default.contents(atPath: full) ?? Data()
      }
    }
    // Each PostgreSQL table's rows, as the server holds them ("(no table)" before the first write).
    for (_, table) in postgresTables.sorted(by: { $0.key < $1.key }) {
      let rows = try? tool(
        "/usr/bin/psql",
        [
          "-X", "-A", "-t", "-c",
          "SELECT coalesce(string_agg(id || ' ' || data::text || ' ' || created_at || ' ' || updated_at, E'\\n' ORDER BY id COLLATE \"C\"), '') FROM public.\"\(table)\"",
        ])
      files["postgres:" + table] = Data((rows?.status == 0 ? rows?.stdout ?? "" : "(no table)").utf8)
    }
    return files
  }

  // MARK: Running

  /// The `project` executable, built next to the test bundle.
  static let binary: String = {
    let fm = FileManager.default
    if let explicit = ProcessInfo.processInfo.environment["PROJECT_E2E_BINARY"], fm.isExecutableFile(atPath: explicit) {
      return explicit
    }
    var candidates: [URL] = []
    if let first = CommandLine.arguments.first {
      candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent())
    }
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
    candidates.append(Bundle.main.bundleURL)
    // Tests/ProjectTests/Support/ProjectRunner.swift → the package root.
    let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    for scratch in [".build-e2e", ".build"] {
      candidates.append(package.appendingPathComponent("\(scratch)/debug"))
    }
    for folder in candidates {
      let file = folder.appendingPathComponent("project").path
      if fm.isExecutableFile(atPath: file) { return file }
    }
    return candidates.first.map { $0.appendingPathComponent("project").path } ?? "project"
  }()

  /// Runs `project` with these arguments in the work folder (or a subfolder of it).
  @discardableResult
  func run(
    _ arguments: [String], in subfolder: String? = nil, stdin: String? = nil, environment: [String: String] = [:]
  ) throws -> RunResult {
    try launch(Self.binary, arguments, in: subfolder, stdin: stdin, environment: environment)
  }

  @discardableResult
  func run(_ arguments: String..., stdin: String? = nil) throws -> RunResult {
    try run(arguments, stdin: stdin)
  }

  /// Runs any program (such as `/usr/bin/sqlite3`) in the work folder.
  func tool(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:],
    timeout: Double = ProjectRunner.timeoutSeconds
  ) throws -> RunResult {
    try launch(executable, arguments, in: nil, stdin: nil, environment: environment, timeout: timeout)
  }

  /// The controlled environment of every run: a fixed PATH, `home/` as HOME, C.UTF-8, a dumb
  /// terminal, and nothing else unless a test adds it.
  func environment(_ extra: [String: String] = [:]) -> [String: String] {
    var env = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home.path, "LANG": "C.UTF-8", "TERM": "dumb"]
    for (key, value) in baseEnvironment { env[key] = value }
    for (key, value) in extra { env[key] = value }
    return env
  }

  /// The one place a child process is set up: every run, and the processes the kill loops start
  /// themselves (`start`), get the same folder, environment and standard input.
  func process(
    _ executable: String, _ arguments: [String], in subfolder: String? = nil, environment extra: [String: String] = [:],
    stdin: FileHandle? = nil, stdout: Any?, stderr: Any?
  ) -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = subfolder.map { directory.appendingPathComponent($0, isDirectory: true) } ?? directory
    process.environment = environment(extra)
    process.standardInput = stdin ?? FileHandle.nullDevice
    process.standardOutput = stdout
    process.standardError = stderr
    return process
  }

  /// Starts a program without waiting for it, for tests that signal it while it runs. Tests run
  /// on threads that block SIGINT, and a child inherits that mask across exec: with
  /// `defaultSignals`, coreutils' `env --default-signal=INT` unblocks it and execs the program in
  /// the same process, so a Ctrl-C reaches it.
  func start(
    _ executable: String = ProjectRunner.binary, _ arguments: [String], environment: [String: String] = [:],
    defaultSignals: Bool = false, stdout: Any? = FileHandle.nullDevice, stderr: Any? = FileHandle.nullDevice
  ) throws -> Process {
    let process =
      defaultSignals
      ? self.process(
        "/usr/bin/env", ["--default-signal=INT", executable] + arguments, environment: environment, stdout: stdout,
        stderr: stderr)
      : self.process(executable, arguments, environment: environment, stdout: stdout, stderr: stderr)
    try process.run()
    return process
  }

  private func launch(
    _ executable: String, _ arguments: [String], in subfolder: String?, stdin: String?, environment: [String: String],
    timeout: Double = ProjectRunner.timeoutSeconds
  ) throws -> RunResult {
    let fm = FileManager.default
    guard fm.isExecutableFile(atPath: executable) else {
      throw RunnerError("no executable at \(executable); build first: swift build --scratch-path .build-e2e")
    }
    runCount += 1
    let outURL = io.appendingPathComponent("\(runCount).stdout")
    let errURL = io.appendingPathComponent("\(runCount).stderr")
    fm.createFile(atPath: outURL.path, contents: nil)
    fm.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    defer {
      try? out.close()
      try? err.close()
    }

    var input: FileHandle?
    if let stdin {
      let inURL = io.appendingPathComponent("\(runCount).stdin")
      try Data(stdin.utf8).write(to: inURL)
      input = try FileHandle(forReadingFrom: inURL)
    }
    defer { try? input?.close() }
    let process = self.process(
      executable, arguments, in: subfolder, environment: environment, stdin: input, stdout: out, stderr: err)
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.run()
    if finished.wait(timeout: .now() + timeout) == .timedOut {
      process.terminate()
      _ = finished.wait(timeout: .now() + 5)
      throw RunnerError("`\(executable) \(arguments.joined(separator: " "))` did not finish within \(Int(timeout)) s")
    }
    process.waitUntilExit()
    let result = RunResult(
      arguments: arguments,
      stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
      stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self),
      status: process.terminationStatus,
      signaled: process.terminationReason == .uncaughtSignal)
    return result
  }

  // MARK: Conveniences

  /// Runs a command that must succeed, and returns its stdout.
  @discardableResult
  func succeed(
    _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> String {
    let result = try run(arguments, stdin: stdin, environment: environment)
    try #require(result.status == 0 && !result.showsCrash, "\(result)", sourceLocation: sourceLocation)
    return result.stdout
  }

  /// Adds a record and returns the id `add` printed.
  func add(
    _ fields: [String], backend: String? = nil, service: String = "example",
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> String {
    var arguments = ["svc", service, "add"] + fields
    if let backend { arguments += ["--backend", backend] }
    let out = try succeed(arguments, sourceLocation: sourceLocation)
    let id = out.trimmingCharacters(in: .whitespacesAndNewlines)
    try #require(
      !id.isEmpty && !id.contains("\n"), "add printed \(out.debugDescription), expected one id",
      sourceLocation: sourceLocation)
    return id
  }

  /// Runs a command that must succeed and print JSON, and parses it.
  func json(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> JSON {
    let out = try succeed(arguments, sourceLocation: sourceLocation)
    return try JSON.parse(out)
  }

  /// `list -o json` of one backend.
  func list(_ backend: String, service: String = "example", sourceLocation: SourceLocation = #_sourceLocation) throws
    -> [JSON]
  {
    let value = try json(["svc", service, "list", "-o", "json", "--backend", backend], sourceLocation: sourceLocation)
    return try #require(value.array, "list -o json printed \(value)", sourceLocation: sourceLocation)
  }

  /// `count` of one backend.
  func count(_ backend: String, service: String = "example", sourceLocation: SourceLocation = #_sourceLocation) throws
    -> Int
  {
    let out = try succeed(["svc", service, "count", "--backend", backend], sourceLocation: sourceLocation)
    return try #require(
      Int(out.trimmingCharacters(in: .whitespacesAndNewlines)), "count printed \(out.debugDescription)",
      sourceLocation: sourceLocation)
  }
}

struct RunnerError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// Checks a failed run: the exact exit code, stderr exactly these `project: ` lines, nothing on
/// stdout, and no crash report.
func expectFailure(
  _ result: RunResult, exitCode: Int32, stderr lines: [String], sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(result.status == exitCode, "\(result)", sourceLocation: sourceLocation)
  #expect(result.stderrLines == lines, "\(result)", sourceLocation: sourceLocation)
  #expect(result.stdout == "", "\(result)", sourceLocation: sourceLocation)
  #expect(!result.showsCrash, "\(result)", sourceLocation: sourceLocation)
}

func expectFailure(
  _ result: RunResult, exitCode: Int32, stderr line: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  expectFailure(result, exitCode: exitCode, stderr: [line], sourceLocation: sourceLocation)
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, the record clock's format.
func isRecordTimestamp(_ text: String?) -> Bool {
  guard let text else { return false }
  return text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil
}

/// A UUIDv7 in canonical lowercase text.
func isUUIDv7(_ text: String?) -> Bool {
  guard let text else { return false }
  return text.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil
}

/// The stock SQLite shell, to look at databases with (Debian package `sqlite3`; `.ci/run`
/// installs it). A test that needs it fails without it: `tool` throws for a missing program.
let sqliteShell = "/usr/bin/sqlite3"

extension ProjectRunner {
  /// Mounts a tmpfs of `size` on the project's `data` folder (root only: without root the test
  /// fails, it does not skip); the caller unmounts it with `unmount`.
  func mountSmallDisk(size: String = "256k") throws -> String {
    try #require(getuid() == 0, "these tests mount a tmpfs, which needs root: run swift test as root (see the README)")
    let data = path("data")
    try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
    let mount = try tool("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size),mode=0755", "tmpfs", data])
    try #require(mount.status == 0, "\(mount)")
    return data
  }

  func unmount(_ data: String) {
    _ = try? tool("/bin/umount", ["-l", data])
  }
}
