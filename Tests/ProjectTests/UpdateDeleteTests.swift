import Foundation
import Testing

/// `update` and `delete` on every backend.
@Suite struct UpdateDeleteTests {
  static let stamp = "2020-01-01T00:00:00.000Z"

  /// Two records with timestamps from 2020, imported so that no test depends on the clock.
  static let seed = """
    {
      "seed1": {"id": "seed1", "name": "One", "count": 1, "status": "active", "tags": ["a"], "meta": {"k": 1}, "created_at": "\(stamp)", "updated_at": "\(stamp)"},
      "seed2": {"id": "seed2", "name": "Two", "count": 2, "created_at": "\(stamp)", "updated_at": "\(stamp)"}
    }
    """

  static func seeded(_ backend: String) throws -> ProjectRunner {
    let project = try ProjectRunner.on(backend)
    try project.write(seed, to: "seed.json")
    try project.succeed(["svc", "example", "import", "--from", "seed.json", "--target", backend])
    return project
  }

  func get(_ project: ProjectRunner, _ id: String, _ backend: String) throws -> JSON {
    try #require(try project.json(["svc", "example", "get", id, "-o", "json", "--backend", backend])[0])
  }

  @Test(arguments: allBackends)
  func updateChangesFieldsAndBumpsUpdatedAtButNotCreatedAt(backend: String) throws {
    let project = try Self.seeded(backend)
    let before = try get(project, "seed1", backend)
    #expect(before["updated_at"] == .string(Self.stamp))

    let out = try project.succeed([
      "svc", "example", "update", "seed1", "--count", "5", "--status", "archived", "--set", "meta.owner=ops",
      "--backend", backend,
    ])
    #expect(out == "seed1\n")
    let after = try get(project, "seed1", backend)
    #expect(after["count"] == .int(5))
    #expect(after["status"] == .string("archived"))
    #expect(after["name"] == .string("One"))
    #expect(after["tags"] == .array([.string("a")]))
    #expect(after["meta"] == .object([.init(key: "k", value: .int(1)), .init(key: "owner", value: .string("ops"))]))
    #expect(after["created_at"] == .string(Self.stamp))
    let updatedAt = try #require(after["updated_at"]?.string)
    #expect(isRecordTimestamp(updatedAt))
    #expect(updatedAt > Self.stamp)
    // The other record is untouched.
    #expect(try get(project, "seed2", backend)["updated_at"] == .string(Self.stamp))
  }

  @Test(arguments: allBackends)
  func unsetRemovesAFieldButNotARequiredOne(backend: String) throws {
    let project = try Self.seeded(backend)
    try project.succeed(["svc", "example", "update", "seed1", "--unset", "meta", "--backend", backend])
    let after = try get(project, "seed1", backend)
    #expect(after.keys == ["id", "name", "count", "status", "tags", "created_at", "updated_at"])

    let snapshot = project.snapshot()
    expectFailure(
      try project.run(["svc", "example", "update", "seed1", "--unset", "name", "--backend", backend]), exitCode: 1,
      stderr: "project: record 'seed1': name: is required and cannot be unset")
    #expect(project.snapshot() == snapshot)
  }

  @Test(arguments: allBackends)
  func updateThatBreaksTheSchemaChangesNothing(backend: String) throws {
    let project = try Self.seeded(backend)
    let snapshot = project.snapshot()
    expectFailure(
      try project.run(["svc", "example", "update", "seed1", "--set", "count=-4", "--backend", backend]), exitCode: 1,
      stderr: "project: record 'seed1': count: -4 is less than the minimum 0")
    #expect(project.snapshot() == snapshot)
    #expect(try get(project, "seed1", backend)["count"] == .int(1))
  }

  @Test(arguments: allBackends)
  func updateOfAMissingIdIsNotFoundAndWritesNothing(backend: String) throws {
    let project = try Self.seeded(backend)
    let snapshot = project.snapshot()
    expectFailure(
      try project.run(["svc", "example", "update", "nope", "--count", "1", "--backend", backend]), exitCode: 1,
      stderr: "project: no record with id 'nope' in \(project.location(backend))")
    #expect(project.snapshot() == snapshot)
  }

  @Test(arguments: allBackends)
  func deleteRemovesTheRecord(backend: String) throws {
    let project = try Self.seeded(backend)
    #expect(try project.succeed(["svc", "example", "delete", "seed1", "--backend", backend]) == "deleted 1 record\n")
    #expect(try project.list(backend).map { $0["id"] } == [.string("seed2")])
    expectFailure(
      try project.run(["svc", "example", "get", "seed1", "--backend", backend]), exitCode: 1,
      stderr: "project: no record with id 'seed1' in \(project.location(backend))")
  }

  @Test(arguments: allBackends)
  func deleteWithAMissingIdDeletesNothing(backend: String) throws {
    let project = try Self.seeded(backend)
    let snapshot = project.snapshot()
    expectFailure(
      try project.run(["svc", "example", "delete", "seed1", "nope", "--backend", backend]), exitCode: 1,
      stderr: "project: no record with id 'nope' in \(project.location(backend))")
    #expect(try project.count(backend) == 2)
    #expect(project.snapshot() == snapshot)
  }

  @Test(arguments: allBackends)
  func deleteByWhereNeedsYes(backend: String) throws {
    let project = try Self.seeded(backend)
    expectFailure(
      try project.run(["svc", "example", "delete", "--where", "count>=2", "--backend", backend]), exitCode: 1,
      stderr: "project: refusing to delete 1 record matching --where without --yes; nothing deleted")
    #expect(try project.count(backend) == 2)
    #expect(
      try project.succeed(["svc", "example", "delete", "--where", "count>=2", "--yes", "--backend", backend])
        == "deleted 1 record\n")
    #expect(try project.list(backend).map { $0["id"] } == [.string("seed1")])
  }
}
