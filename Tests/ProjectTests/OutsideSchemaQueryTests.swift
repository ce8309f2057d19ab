import Foundation
import Testing

/// `$.` paths find what the schema no longer names: a field removed from the manifest is still
/// in the stored records, and `--where`, `--sort` and `--fields` reach it on every backend.
@Suite struct OutsideSchemaQueryTests {
  static let backends = allBackends

  /// Records that held `legacy` and `it's` while the manifest allowed any field, with the
  /// manifest then back to the example service, which names neither.
  func projectWithRemovedFields(backend: String) throws -> ProjectRunner {
    let project = try ProjectRunner.on(
      backend,
      manifest: Manifests.example.replacingOccurrences(
        of: "    description: Example items\n", with: "    description: Example items\n    additional_fields: true\n"))
    let lines = [
      #"{"id": "r1", "name": "a", "legacy": 42, "it's": {"a b": "xy"}}"#,
      #"{"id": "r2", "name": "b", "legacy": null}"#,
      #"{"id": "r3", "name": "c", "legacy": "42"}"#,
      #"{"id": "r4", "name": "d"}"#,
      #"{"id": "r5", "name": "e", "legacy": 7.5}"#,
    ]
    // Distinct creation times: the default order is theirs.
    let stamped = lines.enumerated().map { i, line in
      #"{"created_at": "2026-01-01T00:00:0\#(i).000Z", "# + line.dropFirst()
    }
    try project.succeed(
      ["svc", "example", "import", "--from", "-", "--format", "ndjson", "--target", backend],
      stdin: stamped.joined(separator: "\n") + "\n")
    try project.writeManifest(Manifests.example)
    return project
  }

  func ids(_ project: ProjectRunner, _ backend: String, _ arguments: String...) throws -> [String] {
    let listed = try project.json(
      ["svc", "example", "list", "-o", "json", "--fields", "id", "--backend", backend] + arguments)
    return try #require(listed.array).compactMap { $0["id"]?.string }
  }

  @Test(arguments: backends)
  func removedFieldIsFoundWithADollarPathAndComparedAsTheJSONValueItHolds(backend: String) throws {
    let project = try projectWithRemovedFields(backend: backend)
    expectFailure(
      try project.run(["svc", "example", "list", "--where", "legacy exists", "--backend", backend]), exitCode: 2,
      stderr:
        "project: --where 'legacy exists': unknown field 'legacy'; fields are id, created_at, updated_at, name, count, status, tags, meta; write '$.legacy' for a key outside the schema"
    )
    #expect(try ids(project, backend, "--where", "$.legacy exists") == ["r1", "r3", "r5"])
    #expect(try ids(project, backend, "--where", "$.legacy not exists") == ["r2", "r4"])
    #expect(try ids(project, backend, "--where", "$.legacy=42") == ["r1"])
    #expect(try ids(project, backend, "--where", #"$.legacy="42""#) == ["r3"])
    #expect(try ids(project, backend, "--where", "$.legacy=null") == ["r2"])
    #expect(try ids(project, backend, "--where", "$.legacy!=null") == ["r1", "r3", "r4", "r5"])
    #expect(try ids(project, backend, "--where", "$.legacy in (null, 7.5)") == ["r2", "r5"])
    #expect(try ids(project, backend, "--where", "$.legacy<10") == ["r5"])
    #expect(try ids(project, backend, "--where", #"$."it's"."a b"~y"#) == ["r1"])
    #expect(try ids(project, backend, "--where", "$.name=c") == ["r3"])
    let out = try project.succeed([
      "svc", "example", "list", "--sort", "$.legacy:desc", "--fields", #"id,$.legacy,$."it's"."a b""#, "-o",
      "ndjson", "--backend", backend,
    ])
    #expect(
      out == """
        {"id":"r3","legacy":"42"}
        {"id":"r1","legacy":42,"it's":{"a b":"xy"}}
        {"id":"r5","legacy":7.5}
        {"id":"r2","legacy":null}
        {"id":"r4"}

        """)
    #expect(
      try project.succeed(["svc", "example", "count", "--where", "$.legacy exists", "--backend", backend]) == "3\n")
    #expect(
      try project.succeed(["svc", "example", "delete", "--where", "$.legacy=null", "--yes", "--backend", backend])
        == "deleted 1 record\n")
    #expect(try ids(project, backend) == ["r1", "r3", "r4", "r5"])
  }

  @Test(arguments: backends)
  func badDollarPathIsAUsageErrorAndWritesNothing(backend: String) throws {
    let project = try projectWithRemovedFields(backend: backend)
    let before = project.snapshot()
    expectFailure(
      try project.run(["svc", "example", "delete", "--where", "$.legacy[0]=1", "--yes", "--backend", backend]),
      exitCode: 2,
      stderr:
        "project: --where '$.legacy[0]=1': '$.legacy[': a path cannot index into an array; compare the whole value")
    expectFailure(
      try project.run(["svc", "example", "list", "--sort", #"$."legacy"#, "--backend", backend]), exitCode: 2,
      stderr: #"project: --sort '$."legacy': unterminated quote in the path '$."legacy'"#)
    #expect(project.snapshot() == before)
  }
}
