import Foundation
import Testing

/// `update --where`: every match checked first, then written in one transaction or one rewrite.
@Suite struct BulkUpdateTests {
  static let backends = allBackends
  static let stamp = "2020-01-01T00:00:00.000Z"

  /// Three records from 2020, imported so that no test depends on the clock.
  static let seed = """
    {
      "r1": {"id": "r1", "name": "One", "count": 1, "status": "active", "created_at": "\(stamp)", "updated_at": "\(stamp)"},
      "r2": {"id": "r2", "name": "Two", "count": 2, "status": "archived", "created_at": "\(stamp)", "updated_at": "\(stamp)"},
      "r3": {"id": "r3", "name": "Three", "count": 3, "status": "active", "created_at": "\(stamp)", "updated_at": "\(stamp)"}
    }
    """

  static func seeded(_ backend: String) throws -> ProjectRunner {
    let project = try ProjectRunner.on(backend)
    try project.write(seed, to: "seed.json")
    try project.succeed(["svc", "example", "import", "--from", "seed.json", "--target", backend])
    return project
  }

  func records(_ project: ProjectRunner, _ backend: String) throws -> [String: JSON] {
    var byID: [String: JSON] = [:]
    for record in try project.list(backend) { byID[record["id"]?.string ?? ""] = record }
    return byID
  }

  @Test(arguments: backends)
  func bulkUpdateWritesNothingWhenAnyResultIsInvalidAndListsEveryProblem(backend: String) throws {
    let project = try Self.seeded(backend)
    // The manifest now allows names of at most 3 characters: "Three" no longer fits, and an
    // update that touches it must not be written, for it or for any other match.
    try project.writeManifest(
      Manifests.example.replacingOccurrences(of: "min_length: 1 }", with: "min_length: 1, max_length: 3 }"))
    let before = project.snapshot()
    let result = try project.run([
      "svc", "example", "update", "--where", "count>=1", "--count", "7", "--set", "meta.owner=ops", "--yes",
      "--backend", backend,
    ])
    expectFailure(
      result, exitCode: 1,
      stderr: ["project: record 'r3': name: has 5 characters, more than the maximum 3"])
    #expect(project.snapshot() == before, "a failed bulk update left the store as it was")

    let two = try project.run([
      "svc", "example", "update", "--where", "status=active", "--unset", "name", "--count", "-1", "--yes",
      "--backend", backend,
    ])
    expectFailure(
      two, exitCode: 1,
      stderr: [
        "project: record 'r1': name: is required and cannot be unset",
        "project: record 'r3': name: is required and cannot be unset",
      ])
    #expect(project.snapshot() == before)
  }

  @Test(arguments: backends)
  func bulkUpdateChangesEveryMatchAtOnceAndOnlyTheRecordsItChanges(backend: String) throws {
    let project = try Self.seeded(backend)
    let out = try project.succeed([
      "svc", "example", "update", "--where", "status=active", "--count", "3", "--yes", "--backend", backend,
    ])
    // r3 already holds count 3: it matches but does not change, so it is not written.
    #expect(out == "updated 1 record\n")
    var after = try records(project, backend)
    #expect(after["r1"]?["count"] == .int(3))
    #expect(after["r1"]?["created_at"] == .string(Self.stamp))
    #expect(after["r1"]?["updated_at"] != .string(Self.stamp))
    #expect(isRecordTimestamp(after["r1"]?["updated_at"]?.string))
    #expect(after["r3"]?["updated_at"] == .string(Self.stamp))
    #expect(after["r2"]?["count"] == .int(2))
    #expect(after["r2"]?["updated_at"] == .string(Self.stamp))

    let both = try project.succeed([
      "svc", "example", "update", "--where", "count>=2", "--where", "name~T", "--status", "archived", "--set",
      "meta.owner=ops", "--yes", "--backend", backend,
    ])
    #expect(both == "updated 2 records\n")
    after = try records(project, backend)
    for id in ["r2", "r3"] {
      #expect(after[id]?["status"] == .string("archived"))
      #expect(after[id]?["meta"] == .object([.init(key: "owner", value: .string("ops"))]))
    }
    #expect(after["r1"]?["status"] == .string("active"))
  }

  @Test(arguments: backends)
  func bulkUpdateThatWouldBreakAUniqueFieldWritesNothingAndSaysSoAlikeOnEveryBackend(backend: String) throws {
    let project = try ProjectRunner.on(backend, manifest: Manifests.withHosts)
    for (host, ip, cores) in [("a", "10.0.0.1", "1"), ("b", "10.0.0.2", "1"), ("c", "10.0.0.3", "2")] {
      _ = try project.add(["--hostname", host, "--ip", ip, "--cores", cores], backend: backend, service: "hosts")
    }
    let before = project.snapshot()
    let location = project.location(backend, service: "hosts")
    expectFailure(
      try project.run([
        "svc", "hosts", "update", "--where", "cores=1", "--ip", "10.0.0.9", "--yes", "--backend", backend,
      ]), exitCode: 1,
      stderr:
        #"project: ip: records 'a' and 'b' of the input both hold the value "10.0.0.9"; 'ip' must be unique"#)
    expectFailure(
      try project.run([
        "svc", "hosts", "update", "--where", "hostname=a", "--ip", "10.0.0.3", "--yes", "--backend", backend,
      ]), exitCode: 1,
      stderr: #"project: ip: the value "10.0.0.3" is already used by record 'c' in \#(location); 'ip' must be unique"#)
    #expect(project.snapshot() == before)
  }

  @Test(arguments: backends)
  func bulkUpdateWithoutYesOrWithDryRunSaysHowManyWouldChangeAndWritesNothing(backend: String) throws {
    let project = try Self.seeded(backend)
    let before = project.snapshot()
    expectFailure(
      try project.run(["svc", "example", "update", "--where", "count>=2", "--count", "9", "--backend", backend]),
      exitCode: 1, stderr: "project: refusing to update 2 records matching --where without --yes; nothing updated")
    let dry = try project.succeed([
      "svc", "example", "update", "--where", "count>=1", "--count", "3", "--dry-run", "--backend", backend,
    ])
    #expect(dry == "would update 2 records of 3 matching --where; nothing written\n")
    #expect(project.snapshot() == before)
    expectFailure(
      try project.run(["svc", "example", "update", "r1", "--where", "count>=2", "--count", "9", "--backend", backend]),
      exitCode: 2, stderr: "project: give an id or --where, not both; see 'project svc example update --help'")
    expectFailure(
      try project.run(["svc", "example", "update", "r1", "--count", "9", "--yes", "--backend", backend]),
      exitCode: 2, stderr: "project: '--yes' goes with --where; see 'project svc example update --help'")
  }
}
