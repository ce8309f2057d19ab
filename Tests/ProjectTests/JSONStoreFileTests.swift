import Foundation
import Testing

/// The JSON store file: its exact shape, files from other tools, and hand-broken files.
@Suite struct JSONStoreFileTests {
  static let file = "data/json/example_items.json"

  @Test func storeFileIsPrettyKeyedByIdWithKeysInSchemaOrderAndRecordsInInsertionOrder() throws {
    let project = try ProjectRunner()
    // Fields given in reverse schema order; the file must still list them in schema order.
    let first = try project.add(
      ["--json", #"{"meta":{"k":1},"tags":["a","b"],"count":3,"name":"A"}"#], backend: "json")
    let second = try project.add(["--name", "B"], backend: "json")
    let records = try project.list("json")
    try #require(records.count == 2)
    let c1 = try #require(records[0]["created_at"]?.string)
    let c2 = try #require(records[1]["created_at"]?.string)

    let expected = """
      {
        "\(first)": {
          "id": "\(first)",
          "name": "A",
          "count": 3,
          "status": "active",
          "tags": [
            "a",
            "b"
          ],
          "meta": {
            "k": 1
          },
          "created_at": "\(c1)",
          "updated_at": "\(c1)"
        },
        "\(second)": {
          "id": "\(second)",
          "name": "B",
          "count": 0,
          "status": "active",
          "tags": [],
          "created_at": "\(c2)",
          "updated_at": "\(c2)"
        }
      }

      """
    #expect(project.read(Self.file) == expected)
  }

  /// The shape the original Python template wrote: `json.dump(items, f, indent=2)` with
  /// `uuid4().hex` ids, its own key order, and `isoformat()` timestamps with an offset.
  static let pythonFile = """
    {
      "f0e1d2c3b4a5968778695a4b3c2d1e0f": {
        "name": "zeta",
        "created_at": "2024-05-01T12:00:00.123456+00:00",
        "count": 5,
        "updated_at": "2024-05-02T08:30:00.000001+00:00",
        "id": "f0e1d2c3b4a5968778695a4b3c2d1e0f",
        "tags": [
          "x"
        ],
        "status": "archived"
      },
      "0a1b2c3d4e5f60718293a4b5c6d7e8f9": {
        "updated_at": "2024-04-01T00:00:00+00:00",
        "id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "name": "alpha",
        "created_at": "2024-04-01T00:00:00+00:00",
        "meta": {"owner": "ops", "n": 2}
      }
    }
    """

  @Test func fileWrittenByAnotherToolInTheSameShapeIsRead() throws {
    let project = try ProjectRunner()
    try project.write(Self.pythonFile, to: Self.file)
    let zeta = "f0e1d2c3b4a5968778695a4b3c2d1e0f"
    let alpha = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

    #expect(try project.count("json") == 2)
    let got = try #require(
      try project.json(["svc", "example", "get", zeta, alpha, "-o", "json", "--backend", "json"]).array)
    try #require(got.count == 2)
    #expect(got[0]["id"] == .string(zeta))
    #expect(got[0]["name"] == .string("zeta"))
    #expect(got[0]["count"] == .int(5))
    #expect(got[0]["status"] == .string("archived"))
    #expect(got[0]["tags"] == .array([.string("x")]))
    #expect(got[0]["created_at"] == .string("2024-05-01T12:00:00.123456+00:00"))
    #expect(got[0]["updated_at"] == .string("2024-05-02T08:30:00.000001+00:00"))
    #expect(got[1]["id"] == .string(alpha))
    #expect(got[1]["meta"]?["n"] == .int(2))
    #expect(got[0].keys == ["id", "name", "count", "status", "tags", "created_at", "updated_at"])

    let filtered = try project.json([
      "svc", "example", "list", "--where", "status=archived", "-o", "json", "--backend", "json",
    ])
    #expect(filtered.array?.map { $0["id"] } == [.string(zeta)])

    // A write keeps the other tool's records, in their file order, and appends the new one.
    let added = try project.add(["--name", "new"], backend: "json")
    let file = try JSON.parse(try #require(project.read(Self.file)))
    #expect(file.keys == [zeta, alpha, added])
    #expect(file[zeta]?["count"] == .int(5))
    #expect(file[zeta]?["created_at"] == .string("2024-05-01T12:00:00.123456+00:00"))
    #expect(
      file[alpha]?["meta"] == .object([.init(key: "owner", value: .string("ops")), .init(key: "n", value: .int(2))]))
  }

  static let brokenFile = """
    {
      "a": {
        "id": "a",
        "name": "x",
      }
    }

    """

  static let brokenMessage =
    "project: data/json/example_items.json:5:3: unexpected '}'; expected a string key; the file is left as it is; fix it by hand or restore it"

  @Test func handBrokenStoreFileIsReportedWithLineAndColumnAndNeverOverwritten() throws {
    let project = try ProjectRunner()
    try project.write(Self.brokenFile, to: Self.file)
    let before = try #require(project.bytes(Self.file))

    expectFailure(
      try project.run(["svc", "example", "list", "--backend", "json"]), exitCode: 1, stderr: Self.brokenMessage)
    expectFailure(
      try project.run(["svc", "example", "count", "--backend", "json"]), exitCode: 1, stderr: Self.brokenMessage)
    expectFailure(
      try project.run(["svc", "example", "add", "--name", "new", "--backend", "json"]), exitCode: 1,
      stderr: Self.brokenMessage)
    #expect(project.bytes(Self.file) == before)
    expectFailure(
      try project.run(["svc", "example", "update", "a", "--count", "2", "--backend", "json"]), exitCode: 1,
      stderr: Self.brokenMessage)
    expectFailure(
      try project.run(["svc", "example", "delete", "a", "--backend", "json"]), exitCode: 1, stderr: Self.brokenMessage)
    #expect(project.bytes(Self.file) == before)
    // The SQLite store is a separate source of truth and still works.
    _ = try project.add(["--name", "elsewhere"], backend: "sqlite")
    #expect(project.bytes(Self.file) == before)
  }

  @Test func exportNeverOverwritesABrokenStoreFile() throws {
    let project = try ProjectRunner()
    _ = try project.add(["--name", "in-sqlite"], backend: "sqlite")
    try project.write(Self.brokenFile, to: Self.file)
    let before = try #require(project.bytes(Self.file))
    for mode in [[], ["--merge"], ["--replace"]] {
      expectFailure(try project.run(["svc", "example", "export"] + mode), exitCode: 1, stderr: Self.brokenMessage)
      #expect(project.bytes(Self.file) == before)
    }
  }
}
