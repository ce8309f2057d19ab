import Foundation
import Testing

/// `check --data` for cron jobs and scripts: exit 1 on any bad record, one JSON entry per problem.
@Suite struct CheckDataTests {
  static let backends = allBackends
  static let stamp = "2020-01-01T00:00:00.000Z"

  /// One good record in every backend, and in `backend` one whose count is no longer valid
  /// once the manifest says `maximum: 5`.
  static func project(badIn backend: String) throws -> ProjectRunner {
    let project = try ProjectRunner.on("postgres")
    for each in backends { _ = try project.add(["--name", "fine"], backend: each) }
    try project.write(
      #"{"bad": {"id": "bad", "name": "x", "count": 9, "created_at": "\#(stamp)", "updated_at": "\#(stamp)"}}"#,
      to: "seed.json")
    try project.succeed(["svc", "example", "import", "--from", "seed.json", "--target", backend])
    try project.writeManifest(
      Manifests.example.replacingOccurrences(of: "minimum: 0 }", with: "minimum: 0, maximum: 5 }"))
    return project
  }

  @Test(arguments: backends)
  func oneBadRecordIsOneProblemAndExitOne(backend: String) throws {
    let project = try Self.project(badIn: backend)
    let result = try project.run(["check", "--data"])
    #expect(result.status == 1, "\(result)")
    var lines = ["project.yaml: ok, 1 service"]
    for each in Self.backends {
      if each == backend {
        lines += [
          "example [\(each)] \(project.location(each)): 2 records, 1 problem",
          "  bad: count: 9 is greater than the maximum 5",
        ]
      } else {
        lines.append("example [\(each)] \(project.location(each)): 1 record, all valid")
      }
    }
    #expect(result.stdoutLines == lines, "\(result)")
    #expect(result.stderrLines == ["project: 1 problem found in stored records"], "\(result)")
  }

  @Test(arguments: backends)
  func jsonOutputGivesOneEntryPerProblem(backend: String) throws {
    let project = try Self.project(badIn: backend)
    let result = try project.run(["check", "--data", "-o", "json"])
    #expect(result.status == 1, "\(result)")
    #expect(
      try JSON.parse(result.stdout)
        == .array([
          .object([
            .init(key: "service", value: .string("example")), .init(key: "backend", value: .string(backend)),
            .init(key: "id", value: .string("bad")), .init(key: "path", value: .string("count")),
            .init(key: "message", value: .string("9 is greater than the maximum 5")),
          ])
        ]), "\(result)")
    #expect(result.stderrLines == ["project: 1 problem found in stored records"], "\(result)")
  }

  @Test(arguments: backends)
  func servicesAndBackendChooseWhatIsChecked(backend: String) throws {
    let project = try Self.project(badIn: backend)
    let other = Self.backends.first { $0 != backend } ?? backend
    let clean = try project.run(["check", "--data", "example", "--backend", other, "-o", "json"])
    #expect(clean.status == 0 && clean.stderr == "", "\(clean)")
    #expect(try JSON.parse(clean.stdout) == .array([]))
    let bad = try project.run(["check", "--data", "example", "--backend", backend])
    #expect(bad.status == 1, "\(bad)")
    #expect(
      bad.stdoutLines == [
        "project.yaml: ok, 1 service", "example [\(backend)] \(project.location(backend)): 2 records, 1 problem",
        "  bad: count: 9 is greater than the maximum 5",
      ], "\(bad)")
    expectFailure(
      try project.run(["check", "--data", "exmaple"]), exitCode: 2,
      stderr: "project: unknown service 'exmaple' in project.yaml; did you mean 'example'?")
    expectFailure(
      try project.run(["check", "example"]), exitCode: 2,
      stderr: "project: services and --backend choose what 'check --data' reads; add --data; see 'project --help'")
  }
}
