import Foundation
import Testing

/// `svc <service> diff`: two stores of one service compared record by record; exit codes as
/// `diff(1)`: 0 the same, 1 different, 2 any error.
@Suite struct DiffTests {
  /// Every ordered pair of backends; `--backends A,B` names them in this order.
  static let pairs = allBackends.flatMap { left in allBackends.filter { $0 != left }.map { (left, $0) } }

  /// A project whose manifest reaches both backends.
  static func project(_ left: String, _ right: String) throws -> ProjectRunner {
    try ProjectRunner.on([left, right].contains("postgres") ? "postgres" : left)
  }
  static let stamp = "2020-01-01T00:00:00.000Z"

  static func line(_ id: String, count: Int, updatedAt: String = stamp, extra: String = "") -> String {
    #"{"id": "\#(id)", "name": "n\#(id)", "count": \#(count)\#(extra), "created_at": "\#(stamp)", "updated_at": "\#(updatedAt)"}"#
  }

  /// Imports `records` (NDJSON lines) into `backend`.
  static func load(_ project: ProjectRunner, _ lines: [String], into backend: String) throws {
    try project.write(lines.joined(separator: "\n") + "\n", to: "\(backend).ndjson")
    try project.succeed(["svc", "example", "import", "--from", "\(backend).ndjson", "--target", backend])
  }

  @Test(arguments: pairs)
  func oneFieldOfOneRecordOutOf10kIsTheOneDifference(left: String, right: String) throws {
    let project = try Self.project(left, right)
    let lines = (0..<10_000).map { Self.line(String(format: "r%05d", $0), count: $0) }
    try Self.load(project, lines, into: left)
    var changed = lines
    changed[4242] = Self.line("r04242", count: 4243)
    try Self.load(project, changed, into: right)

    let result = try project.run(["svc", "example", "diff", "--backends", "\(left),\(right)"])
    #expect(result.status == 1 && result.stderr == "", "\(result)")
    #expect(
      result.stdoutLines == [
        "differs: r04242",
        "  count: \(left) 4242, \(right) 4243",
        "\(left) and \(right) differ: 0 records only in \(left), 0 only in \(right), 1 different, 9999 the same",
      ], "\(result)")
    let ids = try project.run(["svc", "example", "diff", "--backends", "\(left),\(right)", "--ids-only"])
    #expect(ids.status == 1 && ids.stderr == "" && ids.stdoutLines == ["differs: r04242"], "\(ids)")
  }

  @Test(arguments: pairs)
  func sameStoresExitZeroAndEveryKindOfDifferenceIsNamed(left: String, right: String) throws {
    let project = try Self.project(left, right)
    let common = [Self.line("a", count: 1), Self.line("b", count: 2, extra: #", "meta": {"k": {"x": 1}}"#)]
    try Self.load(project, common, into: left)
    try Self.load(project, common.reversed(), into: right)
    let same = try project.run(["svc", "example", "diff", "--backends", "\(left),\(right)"])
    #expect(same.status == 0 && same.stderr == "", "\(same)")
    #expect(same.stdout == "\(left) and \(right) hold the same 2 records\n")

    try Self.load(project, [Self.line("c", count: 3)], into: left)
    try Self.load(project, [Self.line("d", count: 4)], into: right)
    try project.succeed(["svc", "example", "delete", "a", "b", "--backend", right])
    try Self.load(
      project,
      [
        Self.line("a", count: 1, updatedAt: "2021-01-01T00:00:00.000Z"),
        Self.line("b", count: 2, extra: #", "meta": {"k": {"x": 1.0}}, "tags": ["t"]"#),
      ], into: right)
    let result = try project.run(["svc", "example", "diff", "--backends", "\(left),\(right)"])
    #expect(result.status == 1 && result.stderr == "", "\(result)")
    #expect(
      result.stdoutLines == [
        "only in \(left): c",
        "only in \(right): d",
        "differs: a",
        "  timestamp updated_at: \(left) \"\(Self.stamp)\", \(right) \"2021-01-01T00:00:00.000Z\"",
        "differs: b",
        "  meta.k.x: \(left) 1, \(right) 1.0",
        "  tags: \(left) (none), \(right) [\"t\"]",
        "\(left) and \(right) differ: 1 record only in \(left), 1 only in \(right), 2 different, 0 the same",
      ], "\(result)")

    let json = try project.run(["svc", "example", "diff", "--backends", "\(left),\(right)", "-o", "json"])
    #expect(json.status == 1 && json.stderr == "", "\(json)")
    let expected = """
      {"backends": ["\(left)", "\(right)"], "same": 0, "only_in": {"\(left)": ["c"], "\(right)": ["d"]},
       "different": [
         {"id": "a", "fields": [],
          "timestamps": [{"path": "updated_at", "\(left)": "\(Self.stamp)", "\(right)": "2021-01-01T00:00:00.000Z"}]},
         {"id": "b", "fields": [{"path": "meta.k.x", "\(left)": 1, "\(right)": 1.0}, {"path": "tags", "\(right)": ["t"]}],
          "timestamps": []}]}
      """
    #expect(try JSON.parse(json.stdout) == JSON.parse(expected), "\(json)")
  }

  @Test(arguments: pairs.filter { $0.0 == "json" || $0.1 == "json" })
  func anErrorIsExitTwoAsDiffOneSays(left: String, right: String) throws {
    let project = try Self.project(left, right)
    try project.write("{\"a\": \n", to: "data/json/example_items.json")
    let result = try project.run(["svc", "example", "diff", "--backends", "\(left),\(right)"])
    expectFailure(
      result, exitCode: 2,
      stderr:
        "project: data/json/example_items.json:2:1: unexpected end of text; expected a JSON value; the file is left as it is; fix it by hand or restore it"
    )
    expectFailure(
      try project.run(["svc", "example", "diff", "--backends", left]), exitCode: 2,
      stderr:
        "project: '--backends' needs two different backends, as json,sqlite; found '\(left)'; see 'project svc example diff --help'"
    )
  }
}
