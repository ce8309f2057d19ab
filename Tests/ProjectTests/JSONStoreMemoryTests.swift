import Foundation
import Testing

/// Peak memory of JSON-store commands on a large store.
@Suite struct JSONStoreMemoryTests {
  static let file = "data/json/example_items.json"
  static let size = 300_000
  /// The bound every command stays under, in KiB (`/usr/bin/time -f %M` reports KiB).
  static let boundKiB = 64 * 1024

  static func id(_ i: Int) -> String {
    let digits = String(i)
    return "0195f3c0-0000-7000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
  }

  /// `size` records written straight as a store file (about 75 MB), in the default order.
  static func storeFile() -> String {
    var text = "{"
    text.reserveCapacity(size * 260)
    for i in 0..<size {
      let ms = i % 1000
      let seconds = (i / 1000) % 60
      let minutes = i / 60_000
      let stamp =
        "2026-01-01T00:\(minutes < 10 ? "0" : "")\(minutes):\(seconds < 10 ? "0" : "")\(seconds)."
        + String(repeating: "0", count: ms < 10 ? 2 : ms < 100 ? 1 : 0) + "\(ms)Z"
      let id = id(i)
      text += i == 0 ? "\n" : ",\n"
      text += """
          "\(id)": {
            "id": "\(id)",
            "name": "record \(i)",
            "count": \(i % 1000),
            "status": "\(i % 2 == 0 ? "active" : "archived")",
            "tags": [
              "t\(i % 7)"
            ],
            "created_at": "\(stamp)",
            "updated_at": "\(stamp)"
          }
        """
    }
    return text + "\n}\n"
  }

  /// Runs every JSON-store command once as a child of `/usr/bin/time` on a store of 300,000
  /// records (~75 MB) and checks that each one's peak resident memory (`%M`, the child's
  /// `ru_maxrss`) stays under 64 MiB: the store is read through a window and no command holds
  /// its records. Reading the whole file, as the store once did, fails this for every command.
  @Test func everyCommandStaysUnder64MiBOnALargeStore() throws {
    let project = try ProjectRunner()
    try project.write(Self.storeFile(), to: Self.file)
    let ndjson = (0..<100).map { #"{"name":"imported \#($0)"}"# }.joined(separator: "\n") + "\n"
    try project.write(ndjson, to: "small.ndjson")
    let middle = Self.id(Self.size / 2)
    let commands: [[String]] = [
      ["get", middle],
      ["list", "-o", "ndjson"],
      ["list", "--where", "status=archived", "--sort", "count:desc", "-o", "ndjson"],
      ["list", "--where", "status=active", "--sort", "name", "--limit", "10", "--offset", "5"],
      ["count", "--where", "status=active"],
      ["add", "--name", "new"],
      ["update", middle, "--name", "changed"],
      ["delete", Self.id(1)],
      ["import", "--from", "small.ndjson", "--target", "json"],
    ]
    for command in commands {
      let arguments = ["svc", "example"] + command + (command[0] == "import" ? [] : ["--backend", "json"])
      let peak = try Self.peakKiB(project, arguments)
      #expect(peak < Self.boundKiB, "\(arguments.joined(separator: " ")): \(peak) KiB")
    }
    // The SQLite store's records exported over the large file (which is kept as .bak).
    try project.run("svc", "example", "add", "--name", "in sqlite")
    let export = try Self.peakKiB(project, ["svc", "example", "export", "--replace"])
    #expect(export < Self.boundKiB, "export --replace: \(export) KiB")
    #expect(try project.run("svc", "example", "count", "--backend", "json").stdout == "1\n")
  }

  /// The peak resident memory of one run of the binary, in KiB; the run must succeed.
  static func peakKiB(_ project: ProjectRunner, _ arguments: [String]) throws -> Int {
    let report = project.path("peak.txt")
    let result = try project.tool(
      "/usr/bin/time", ["-f", "%M", "-o", report, ProjectRunner.binary] + arguments, timeout: 300)
    #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
    let text = try String(contentsOfFile: report, encoding: .utf8)
    return try #require(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)))
  }
}
