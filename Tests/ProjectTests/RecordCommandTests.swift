import Foundation
import Testing

/// `add`, `get` and `list` on every backend: records come back typed, with defaults, ids and timestamps.
@Suite struct RecordCommandTests {
  @Test(arguments: allBackends)
  func addedRecordIsReadBackWithTypedFieldsDefaultsAndTimestamps(backend: String) throws {
    let project = try ProjectRunner.on(backend)
    let add = try project.run(["svc", "example", "add", "--name", "Alpha", "--count", "3", "--backend", backend])
    #expect(add.status == 0 && add.stderr == "", "\(add)")
    let id = add.stdout.trimmingCharacters(in: .newlines)
    #expect(add.stdout == id + "\n")
    #expect(isUUIDv7(id), "add printed \(add.stdout.debugDescription), expected a UUIDv7")

    let got = try project.json(["svc", "example", "get", id, "-o", "json", "--backend", backend])
    let records = try #require(got.array)
    #expect(records.count == 1)
    let record = try #require(records.first)
    #expect(record.keys == ["id", "name", "count", "status", "tags", "created_at", "updated_at"])
    #expect(record["id"] == .string(id))
    #expect(record["name"] == .string("Alpha"))
    #expect(record["count"] == .int(3))
    #expect(record["status"] == .string("active"))
    #expect(record["tags"] == .array([]))
    #expect(isRecordTimestamp(record["created_at"]?.string), "created_at \(String(describing: record["created_at"]))")
    #expect(record["updated_at"] == record["created_at"])

    #expect(try project.list(backend) == [record])
  }

  @Test(arguments: allBackends)
  func listReturnsRecordsInInsertionOrderWithDefaultOrdering(backend: String) throws {
    let project = try ProjectRunner.on(backend)
    let ids = try ["c", "a", "b"].map { try project.add(["--name", $0], backend: backend) }
    let listed = try project.list(backend)
    #expect(listed.map { $0["id"]?.string ?? "" } == ids)
    #expect(listed.map { $0["name"]?.string ?? "" } == ["c", "a", "b"])
  }

  @Test(arguments: allBackends)
  func fieldFlagsAreTypedBySchema(backend: String) throws {
    let project = try ProjectRunner.on(backend)
    let id = try project.add(
      [
        "--name", "Typed", "--count", "3", "--tags", "a,b", "--meta", #"{"k":1}"#, "--set", "meta.owner=ops",
        "--status", "archived",
      ],
      backend: backend)
    let record = try #require(try project.json(["svc", "example", "get", id, "-o", "json", "--backend", backend])[0])
    #expect(record["count"] == .int(3))
    #expect(record["status"] == .string("archived"))
    #expect(record["tags"] == .array([.string("a"), .string("b")]))
    #expect(record["meta"] == .object([.init(key: "k", value: .int(1)), .init(key: "owner", value: .string("ops"))]))
  }

  @Test(arguments: allBackends)
  func jsonArgumentIsReadInlineFromAFileAndFromStandardInput(backend: String) throws {
    let project = try ProjectRunner.on(backend)
    let inline = try project.add(
      ["--json", #"{"name":"Inline","count":2,"meta":{"deep":{"x":[1,2.5]}}}"#], backend: backend)
    try project.write(#"{"name": "FromFile", "tags": ["x", "y"]}"#, to: "input.json")
    let fromFile = try project.add(["--json", "@input.json"], backend: backend)
    let piped = try project.succeed(
      ["svc", "example", "add", "--json", "-", "--backend", backend], stdin: #"{"name": "Piped", "count": 7}"#)
    let fromStdin = piped.trimmingCharacters(in: .newlines)

    let records = try #require(
      try project.json(["svc", "example", "get", inline, fromFile, fromStdin, "-o", "json", "--backend", backend]).array
    )
    try #require(records.count == 3)
    #expect(records[0]["name"] == .string("Inline"))
    #expect(records[0]["count"] == .int(2))
    #expect(records[0]["meta"]?["deep"]?["x"] == .array([.int(1), .double(2.5)]))
    #expect(records[1]["name"] == .string("FromFile"))
    #expect(records[1]["count"] == .int(0))
    #expect(records[1]["tags"] == .array([.string("x"), .string("y")]))
    #expect(records[2]["name"] == .string("Piped"))
    #expect(records[2]["count"] == .int(7))
  }

  @Test(arguments: allBackends)
  func flagsOverrideFieldsGivenAsJSON(backend: String) throws {
    let project = try ProjectRunner.on(backend)
    let id = try project.add(["--json", #"{"name":"FromJSON","count":1}"#, "--count", "9"], backend: backend)
    let record = try #require(try project.json(["svc", "example", "get", id, "-o", "json", "--backend", backend])[0])
    #expect(record["name"] == .string("FromJSON"))
    #expect(record["count"] == .int(9))
  }

  @Test(arguments: allBackends)
  func getOfAMissingIdIsNotFound(backend: String) throws {
    let project = try ProjectRunner.on(backend)
    _ = try project.add(["--name", "present"], backend: backend)
    expectFailure(
      try project.run(["svc", "example", "get", "nope", "--backend", backend]), exitCode: 1,
      stderr: "project: no record with id 'nope' in \(project.location(backend))")
  }

  @Test func whereFiltersGiveTheSameRecordsInTheSameOrderOnEveryBackend() throws {
    let project = try ProjectRunner.on("postgres")
    for backend in allBackends {
      _ = try project.add(
        ["--name", "web-a", "--count", "10", "--tags", "x,y", "--set", "meta.owner=ops"], backend: backend)
      _ = try project.add(["--name", "db-b", "--count", "2", "--status", "archived"], backend: backend)
      _ = try project.add(["--name", "web-c", "--count", "7", "--tags", "y"], backend: backend)
    }
    let queries: [([String], [String])] = [
      (["--where", "count>5"], ["web-a", "web-c"]),
      (["--where", "name~web", "--where", "count<=7"], ["web-c"]),
      (["--where", "status in (archived)"], ["db-b"]),
      (["--where", "status!=archived", "--sort", "count:desc"], ["web-a", "web-c"]),
      (["--where", "tags=y", "--sort", "name"], ["web-a", "web-c"]),
      (["--where", "meta.owner exists"], ["web-a"]),
      (["--sort", "count", "--limit", "2", "--offset", "1"], ["web-c", "web-a"]),
    ]
    for (arguments, expected) in queries {
      for backend in allBackends {
        let out = try project.json(["svc", "example", "list", "-o", "json", "--backend", backend] + arguments)
        #expect(out.array?.map { $0["name"]?.string ?? "" } == expected, "\(backend) \(arguments)")
      }
    }
  }
}
