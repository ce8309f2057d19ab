import Foundation
import Testing

/// What the durability tests share: the write commands, a fixture to run each one on, the states
/// it may leave behind, and runs of `project` under `strace` (traced, failed or killed at one
/// system call) or under libfiu's `fiu-run`.

let stracePath = "/usr/bin/strace"
let fiuRunPath = "/usr/bin/fiu-run"

/// A write command, the store it changes, and the state it leaves there.
struct WriteCommand: CustomStringConvertible, Sendable {
  var name: String
  /// The store it writes: "json" or "sqlite"; "file" for an export to `out/records.ndjson`.
  var target: String
  var arguments: [String]
  var description: String { "\(name) → \(target)" }

  static let jsonStore = "data/json/example_items.json"
  static let database = "data/db/myapp.db"
  static let exportFile = "out/records.ndjson"

  /// Every write command of both stores, and the JSON store's rewrite paths: `add` appends to
  /// the file, `update`/`delete`/an overwriting import rewrite it whole, `export` streams it,
  /// `export --merge` rewrites it, `export --replace` copies it to `.bak` first.
  static let all: [WriteCommand] =
    ["json", "sqlite"].flatMap { backend in
      [
        WriteCommand(
          name: "add", target: backend, arguments: ["svc", "example", "add", "--name", "added", "--backend", backend]),
        WriteCommand(
          name: "update", target: backend,
          arguments: ["svc", "example", "update", "seed-7", "--set", "count=9", "--backend", backend]),
        WriteCommand(
          name: "delete", target: backend, arguments: ["svc", "example", "delete", "seed-3", "--backend", backend]),
        WriteCommand(
          name: "delete --where", target: backend,
          arguments: ["svc", "example", "delete", "--where", "count=2", "--yes", "--backend", backend]),
        WriteCommand(
          name: "update --where", target: backend,
          arguments: ["svc", "example", "update", "--where", "count=2", "--count", "7", "--yes", "--backend", backend]),
        WriteCommand(
          name: "import", target: backend,
          arguments: ["svc", "example", "import", "--from", "small.ndjson", "--target", backend]),
        WriteCommand(
          name: "import --on-conflict overwrite", target: backend,
          arguments: [
            "svc", "example", "import", "--from", "overwrite.ndjson", "--target", backend, "--on-conflict", "overwrite",
          ]),
      ]
    } + [
      WriteCommand(name: "export", target: "json", arguments: ["svc", "example", "export"]),
      WriteCommand(name: "export --merge", target: "json", arguments: ["svc", "example", "export", "--merge"]),
      WriteCommand(name: "export --replace", target: "json", arguments: ["svc", "example", "export", "--replace"]),
      WriteCommand(
        name: "export --to file", target: "file",
        arguments: ["svc", "example", "export", "--format", "ndjson", "--to", exportFile]),
    ]

  static func named(_ name: String, _ target: String) -> WriteCommand {
    all.first { $0.name == name && $0.target == target }!
  }

  /// The store the command writes through: SQLite's WAL and commit, or the JSON atomic replace.
  var writesSQLite: Bool { target == "sqlite" }

  /// A successful write of the same store after a failed or killed one.
  var nextWrite: [String] {
    target == "file"
      ? ["svc", "example", "export", "--format", "ndjson", "--to", Self.exportFile, "--replace"]
      : ["svc", "example", "add", "--name", "next", "--backend", target]
  }
}

/// The two stores holding records `seed-0` … `seed-39` (SQLite also `seed-40`, so that an export
/// adds one), made once per test and copied in before each run.
struct DurabilityFixture {
  let project: ProjectRunner
  let template: URL

  init() throws {
    project = try ProjectRunner()
    var seed = ""
    for i in 0..<41 { seed += #"{"id": "seed-\#(i)", "name": "seed \#(i)", "count": \#(i % 5), "tags": ["t"]}"# + "\n" }
    let lines = seed.split(separator: "\n")
    try project.write(lines.dropLast().joined(separator: "\n") + "\n", to: "seed.ndjson")
    try project.write(lines.last! + "\n", to: "seed-40.ndjson")
    // The JSON store is SQLite's export (same timestamps), so that `export` only adds seed-40.
    try project.succeed(["svc", "example", "import", "--from", "seed.ndjson", "--target", "sqlite"])
    try project.succeed(["svc", "example", "export"])
    try project.succeed(["svc", "example", "import", "--from", "seed-40.ndjson", "--target", "sqlite"])
    try project.write(
      #"{"id": "new-1", "name": "new 1"}"# + "\n" + #"{"id": "new-2", "name": "new 2", "count": 3}"# + "\n",
      to: "small.ndjson")
    try project.write(
      #"{"id": "seed-1", "name": "seed 1 again", "count": 4}"# + "\n" + #"{"id": "new-3", "name": "new 3"}"# + "\n",
      to: "overwrite.ndjson")
    template = project.root.appendingPathComponent("template-data")
    try FileManager.default.copyItem(at: project.url("data"), to: template)
  }

  /// Puts the fixture's stores back, removing what a run left.
  func reset() throws {
    let fm = FileManager.default
    for relative in ["data", "out"] where fm.fileExists(atPath: project.path(relative)) {
      try fm.removeItem(atPath: project.path(relative))
    }
    try fm.copyItem(at: template, to: project.url("data"))
  }

  /// The records of the command's target, in a form that ignores ids made at random and
  /// timestamps: one sorted line per record. `nil` when the store cannot be read.
  func state(_ command: WriteCommand) throws -> String? {
    if command.target == "file" {
      guard let text = project.read(WriteCommand.exportFile) else { return "(no file)" }
      return text
    }
    let result = try project.run(["svc", "example", "list", "-o", "json", "--backend", command.target])
    guard result.status == 0, let value = try? JSON.parse(result.stdout), let records = value.array else { return nil }
    return records.map { record -> String in
      let id = record["id"]?.string ?? "?"
      let shownID = id.hasPrefix("seed-") || id.hasPrefix("new-") ? id : "*"
      return "\(shownID) \(record["name"]?.string ?? "?") \(record["count"].map { "\($0)" } ?? "?")"
    }.sorted().joined(separator: "\n")
  }

  /// Files a write must not leave behind once the next write succeeded.
  func leftovers() -> [String] {
    var found: [String] = []
    for folder in ["data/json", "data/db", "out"] {
      for name in (try? FileManager.default.contentsOfDirectory(atPath: project.path(folder))) ?? [] {
        if name.hasSuffix(".tmp") || name.hasSuffix("-journal") { found.append("\(folder)/\(name)") }
      }
    }
    return found
  }

  /// `PRAGMA integrity_check` of the database (`ok` when there is no database file yet); the
  /// sqlite3 shell must be there.
  func integrity() throws -> String {
    guard project.exists(WriteCommand.database) else { return "ok" }
    return try project.tool(sqliteShell, [WriteCommand.database, "PRAGMA integrity_check"]).stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

/// How a run is made to fail.
enum Fault: CustomStringConvertible {
  /// libfiu: `fiu-run -x -c "enable name=…"` (always) or `enable_random …,probability=…`.
  case fiu(String, probability: Double?)
  /// strace: the `occurrence`-th call of `syscall` fails with `errno` (`inject=…:error=…:when=…`).
  case failCall(String, occurrence: Int, errno: String)
  /// strace: SIGKILL on entering the `occurrence`-th call of `syscall` (`inject=…:signal=KILL`):
  /// the process dies at that exact point of its progress, before the call is made.
  case killAt(String, occurrence: Int)

  var description: String {
    switch self {
    case .fiu(let name, let p): p.map { "fiu \(name) p=\($0)" } ?? "fiu \(name)"
    case .failCall(let call, let n, let errno): "\(call) #\(n) fails \(errno)"
    case .killAt(let call, let n): "SIGKILL at \(call) #\(n)"
    }
  }
}

/// One call in an strace log.
struct TracedCall: CustomStringConvertible {
  var pid: String
  var name: String
  var arguments: String
  var result: Int
  /// For calls on a descriptor: the path it was opened with.
  var fdPath: String?
  var line: String
  var description: String { line }

  var fd: Int? { Int(arguments.prefix { $0 != "," && $0 != ")" }.trimmingCharacters(in: .whitespaces)) }
  /// The quoted strings among the arguments: paths.
  var paths: [String] {
    arguments.matches(of: /"((?:[^"\\]|\\.)*)"/).map { String($0.output.1) }
  }
}

/// Runs of `project` under strace or fiu, in the fixture's folder.
extension ProjectRunner {
  /// Runs the command under `strace -f`, logging `calls` (and injecting `fault`), and returns
  /// the run and the calls made after the manifest was read. With `fixedLayout`, under
  /// `setarch -R`: without address randomisation the runtime's reads of `/proc/self/maps`, and
  /// so every count of `read` calls, are the same from run to run.
  func traced(
    _ arguments: [String], calls: [String], fault: Fault? = nil, environment: [String: String] = [:],
    fixedLayout: Bool = false
  ) throws -> (RunResult, [TracedCall], rawLog: String) {
    let log = root.appendingPathComponent("strace-\(UUID().uuidString).log").path
    var options = [
      "-f", "-qq", "-s", "16", "-o", log, "-e", "trace=" + (calls + ["openat", "close"]).joined(separator: ","),
    ]
    switch fault {
    case .failCall(let call, let n, let errno)?: options += ["-e", "inject=\(call):error=\(errno):when=\(n)"]
    case .killAt(let call, let n)?: options += ["-e", "inject=\(call):signal=KILL:when=\(n)"]
    default: break
    }
    let result =
      fixedLayout
      ? try run(
        arguments, via: "/usr/bin/setarch", ["x86_64", "-R", stracePath] + options + ["--", ProjectRunner.binary],
        environment: environment)
      : try run(arguments, via: stracePath, options + ["--", ProjectRunner.binary], environment: environment)
    let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(atPath: log)
    return (result, Self.parse(text), text)
  }

  /// Runs the command under libfiu.
  func underFiu(_ arguments: [String], failPoint: String, probability: Double?) throws -> RunResult {
    let enable = probability.map { "enable_random name=\(failPoint),probability=\($0)" } ?? "enable name=\(failPoint)"
    return try run(arguments, via: fiuRunPath, ["-x", "-c", enable, ProjectRunner.binary])
  }

  /// Runs the command under a fault.
  func run(_ arguments: [String], fault: Fault) throws -> (RunResult, fired: Bool) {
    switch fault {
    case .fiu(let name, let probability):
      return (try underFiu(arguments, failPoint: name, probability: probability), false)
    case .failCall(let call, _, _), .killAt(let call, _):
      let (result, _, log) = try traced(arguments, calls: [call], fault: fault)
      return (result, log.contains("(INJECTED)") || log.contains("+++ killed by SIGKILL +++"))
    }
  }

  /// The strace log as calls, each descriptor call with the path its descriptor was opened with.
  /// Calls that strace split over two lines (`<unfinished ...>`) are joined.
  static func parse(_ text: String) -> [TracedCall] {
    var calls: [TracedCall] = []
    var open: [Int: String] = [:]
    var unfinished: [String: String] = [:]
    for raw in text.split(separator: "\n").map(String.init) {
      var line = raw
      guard let space = line.firstIndex(of: " ") else { continue }
      let pid = String(line[..<space])
      if line.hasSuffix("<unfinished ...>") {
        unfinished[pid] = String(line.dropLast("<unfinished ...>".count))
        continue
      }
      if let resumed = line.firstMatch(of: /<\.\.\. \w+ resumed>/), let start = unfinished.removeValue(forKey: pid) {
        line = start + line[resumed.range.upperBound...]
      }
      guard let match = line.firstMatch(of: /^\d+\s+(\w+)\((.*)\)\s+=\s+(-?\d+|\?)/) else { continue }
      let name = String(match.output.1)
      var call = TracedCall(
        pid: pid, name: name, arguments: String(match.output.2), result: Int(match.output.3) ?? -1, fdPath: nil,
        line: line)
      if let fd = call.fd { call.fdPath = open[fd] }
      if name == "openat", call.result >= 0, let path = call.paths.first { open[call.result] = path }
      if name == "close", let fd = call.fd { open[fd] = nil }
      calls.append(call)
    }
    return calls
  }

  /// Where the process opened its manifest: what came before is the dynamic loader's and the
  /// runtime's start-up.
  static func manifestIndex(_ calls: [TracedCall]) -> Int {
    calls.firstIndex { $0.name == "openat" && ($0.paths.first ?? "").hasSuffix("project.yaml") } ?? 0
  }

  /// The numbers (as strace's `when=` counts them, from the start of the process) of the calls
  /// of `name` made after the manifest was opened.
  /// Only the main thread's: strace counts each thread's calls apart, and SQLite's sorter runs
  /// helper threads.
  static func occurrences(of name: String, in calls: [TracedCall]) -> [Int] {
    let start = manifestIndex(calls)
    var n = 0
    var found: [Int] = []
    for (i, call) in calls.enumerated() where call.name == name && call.pid == calls.first?.pid {
      n += 1
      if i >= start { found.append(n) }
    }
    return found
  }

  /// Runs `project` through another program (strace, fiu-run) with the controlled environment.
  func run(
    _ arguments: [String], via wrapper: String, _ wrapperArguments: [String], environment: [String: String] = [:]
  ) throws -> RunResult {
    var result = try tool(wrapper, wrapperArguments + arguments, environment: environment)
    result.arguments = arguments
    return result
  }
}
