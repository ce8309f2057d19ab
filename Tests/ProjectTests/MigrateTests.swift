import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `migrate` after a manifest edit, on every backend: what it plans, what it writes, and what it
/// leaves alone.
@Suite struct MigrateTests {
  /// The backends a store of `people` can live in; a new backend is one more name here.
  static let backends = allBackends

  static let stamp = "2020-01-01T00:00:00.000Z"

  /// The manifest before the edit.
  static let before = """
    version: 1
    app: myapp
    data_dir: data
    services:
      people:
        additional_fields: true
        fields:
          name:   { type: string, required: true }
          squad:  { type: string }
          age:    { type: string }
          since:  { type: date }
          tags:   { type: string }
          score:  { type: number }
          legacy: { type: integer }
        indexes: [legacy]

    """

  /// One edit: `squad` renamed `team`, a new required `role` with a default, `age` now an
  /// integer, `since` a datetime, `tags` an array, `score` a string, `legacy` gone.
  static let after = """
    version: 1
    app: myapp
    data_dir: data
    services:
      people:
        fields:
          name:   { type: string, required: true }
          team:   { type: string, renamed_from: squad }
          role:   { type: string, required: true, default: staff }
          age:    { type: integer }
          since:  { type: datetime }
          tags:   { type: array, items: string }
          score:  { type: string }

    """

  /// `a` needs every kind of change, `b` and `c` some, `d` none.
  static let seed =
    [
      #"{"id":"a","name":"A","squad":"core","age":"42","since":"2024-01-02","tags":"x","score":1.0,"legacy":1,"#,
      #"{"id":"b","name":"B","age":"7","score":-0.0,"#,
      #"{"id":"c","name":"C","score":3,"#,
      #"{"id":"d","name":"D","team":"web","role":"lead","age":"5","#,
    ].map { $0 + #""created_at":"\#(stamp)","updated_at":"\#(stamp)"}"# }.joined(separator: "\n") + "\n"

  /// A project whose stores (each of `backends`) hold `seed` under `before`, now under `manifest`.
  static func seeded(_ backends: [String] = backends, seed: String = seed, manifest: String = after) throws
    -> ProjectRunner
  {
    let project = try ProjectRunner.on(backends.contains("postgres") ? "postgres" : "json", manifest: before)
    try project.write(seed, to: "seed.ndjson")
    for backend in backends {
      try project.succeed(["svc", "people", "import", "--from", "seed.ndjson", "--target", backend])
    }
    try project.writeManifest(manifest)
    return project
  }

  /// The plan lines of one store for `after` and `seed`, with `--drop-unknown`.
  static func planLines(_ backend: String, _ project: ProjectRunner, dropUnknown: Bool = true) -> [String] {
    [
      "people \(backend): move 'squad' to 'team' in 1 record",
      "people \(backend): fill 'role' with \"staff\" in 3 records",
      "people \(backend): convert 'age' from string to integer in 3 records",
      "people \(backend): convert 'since' from string to datetime in 1 record",
      "people \(backend): convert 'tags' from string to array in 1 record",
      "people \(backend): convert 'score' from number to string in 2 records",
      "people \(backend): convert 'score' from integer to string in 1 record",
    ] + (dropUnknown ? ["people \(backend): drop the unknown field 'legacy' in 1 record"] : [])
      + staleIndexLines(backend, project)
  }

  /// What `before`'s index on `legacy` adds to a plan for `after`.
  static func staleIndexLines(_ backend: String, _ project: ProjectRunner) -> [String] {
    guard backend != "json" else { return [] }
    let table = backend == "postgres" ? project.postgresTables["people"] ?? "" : "people_items"
    return ["people \(backend): drop the index \"\(table)$legacy\", which the manifest no longer declares"]
  }

  func list(_ project: ProjectRunner, _ backend: String) throws -> [JSON] {
    try project.list(backend, service: "people")
  }

  @Test func renameDefaultAndTypeChangesInOneEditMigrateEveryBackendToTheSameRecords() throws {
    let project = try Self.seeded()
    try project.tool(sqliteShell, ["data/db/myapp.db", "CREATE INDEX by_hand ON people_items (created_at)"])
    let out = try project.succeed(["migrate", "--drop-unknown"])
    var expected: [String] = []
    for backend in Self.backends {
      expected +=
        Self.planLines(backend, project) + [
          "people \(backend): 4 records migrated in \(project.location(backend, service: "people"))"
        ]
    }
    #expect(out.split(separator: "\n").map(String.init) == expected)
    let stores = try Self.backends.map { try list(project, $0) }
    for records in stores.dropFirst() { #expect(records.description == stores[0].description) }
    // diff agrees, field by field; the stores differ only in when each record was migrated.
    for other in Self.backends.dropFirst() {
      let diff = try project.run(["svc", "people", "diff", "--backends", "\(Self.backends[0]),\(other)", "-o", "json"])
      let report = try JSON.parse(diff.stdout)
      #expect(
        report["only_in"]
          == .object([
            .init(key: Self.backends[0], value: .array([])), .init(key: other, value: .array([])),
          ]), "\(diff)")
      let differing = report["different"]?.array ?? []
      #expect(differing.allSatisfy { $0["fields"] == .array([]) }, "\(diff)")
    }
    let records = stores[0]
    try #require(records.count == 4)
    let migrated = try #require(records[0]["updated_at"]?.string)
    #expect(isRecordTimestamp(migrated) && migrated > Self.stamp)
    let a = JSON.object([
      .init(key: "id", value: .string("a")), .init(key: "name", value: .string("A")),
      .init(key: "team", value: .string("core")), .init(key: "role", value: .string("staff")),
      .init(key: "age", value: .int(42)), .init(key: "since", value: .string("2024-01-02T00:00:00Z")),
      .init(key: "tags", value: .array([.string("x")])), .init(key: "score", value: .string("1.0")),
      .init(key: "created_at", value: .string(Self.stamp)), .init(key: "updated_at", value: .string(migrated)),
    ])
    #expect(records[0] == a, "\(records[0])")
    #expect(records[1]["score"] == .string("-0.0") && records[1]["age"] == .int(7))
    #expect(records[2]["score"] == .string("3") && records[2]["role"] == .string("staff"))
    // `d` needed only its age converted; a record that needs nothing keeps its updated_at.
    #expect(records[3]["age"] == .int(5) && records[3]["role"] == .string("lead"))
    // The JSON store file as it was is kept beside it.
    #expect(project.read("data/json/people_items.json.bak")?.contains(#""squad": "core""#) == true)
    // The index of the field that is gone is gone; one made by hand stays.
    let indexes = try project.tool(
      sqliteShell, ["data/db/myapp.db", "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"])
    #expect(!indexes.stdout.contains("legacy"), "\(indexes)")
    #expect(indexes.stdout.contains("by_hand"), "\(indexes)")
    // A second migrate finds nothing to do, and writes nothing.
    let files = project.snapshot()
    let again = try project.succeed(["migrate", "--drop-unknown"])
    #expect(again == Self.backends.map { "people \($0): nothing to migrate in 4 records\n" }.joined())
    #expect(project.snapshot() == files)
  }

  @Test(arguments: backends)
  func aRecordThatNeedsNothingKeepsItsUpdatedAt(backend: String) throws {
    let seed =
      #"{"id":"a","name":"A","squad":"core","created_at":"\#(Self.stamp)","updated_at":"\#(Self.stamp)"}"# + "\n"
      + #"{"id":"d","name":"D","role":"lead","created_at":"\#(Self.stamp)","updated_at":"\#(Self.stamp)"}"# + "\n"
    let project = try Self.seeded([backend], seed: seed)
    let out = try project.succeed(["migrate", "--backend", backend])
    #expect(
      out.split(separator: "\n").map(String.init) == [
        "people \(backend): move 'squad' to 'team' in 1 record",
        "people \(backend): fill 'role' with \"staff\" in 1 record",
      ] + Self.staleIndexLines(backend, project) + [
        "people \(backend): 1 record migrated in \(project.location(backend, service: "people"))"
      ])
    let records = try list(project, backend)
    #expect(records[0]["updated_at"] != .string(Self.stamp))
    #expect(records[1]["updated_at"] == .string(Self.stamp))
  }

  @Test(arguments: backends)
  func unfixableRecordsLeaveTheStoreByteIdentical(backend: String) throws {
    // `owner` is required with no default; `legacy` is gone and --drop-unknown is not given.
    let manifest = Self.after.replacingOccurrences(
      of: "      score:  { type: string }\n",
      with: "      score:  { type: string }\n      owner:  { type: string, required: true }\n")
    let project = try Self.seeded([backend], manifest: manifest)
    let files = project.snapshot()
    let result = try project.run(["migrate", "--backend", backend])
    #expect(result.status == 1, "\(result)")
    #expect(
      result.stdoutLines == Self.planLines(backend, project, dropUnknown: false) + [
        "people \(backend): 4 records cannot be migrated; nothing was written to \(project.location(backend, service: "people")):",
        "  record 'a': owner: is required",
        "  record 'a': legacy: unknown field; pass --drop-unknown to drop it",
        "  record 'b': owner: is required",
        "  record 'c': owner: is required",
        "  record 'd': owner: is required",
      ], "\(result)")
    #expect(
      result.stderrLines == [
        "project: 4 records cannot be migrated (people \(backend)), listed above; nothing was written to that store"
      ], "\(result)")
    #expect(project.snapshot() == files)
    #expect(!project.exists("data/json/people_items.json.bak"))
  }

  @Test(arguments: backends)
  func aValueUnderBothTheOldAndTheNewNameIsNeverOverwritten(backend: String) throws {
    let seed =
      #"{"id":"a","name":"A","squad":"core","team":"web","role":"x","created_at":"\#(Self.stamp)","updated_at":"\#(Self.stamp)"}"#
      + "\n"
    let project = try Self.seeded([backend], seed: seed)
    let files = project.snapshot()
    let result = try project.run(["migrate", "--drop-unknown", "--backend", backend])
    #expect(result.status == 1, "\(result)")
    #expect(
      result.stdoutLines == Self.staleIndexLines(backend, project) + [
        "people \(backend): 1 record cannot be migrated; nothing was written to \(project.location(backend, service: "people")):",
        "  record 'a': team: holds a value, and so does its old name 'squad'; neither is overwritten: remove one by hand",
      ], "\(result)")
    #expect(project.snapshot() == files)
  }

  @Test(arguments: backends)
  func dryRunPrintsThePlanAndWritesNothing(backend: String) throws {
    let project = try Self.seeded([backend])
    let files = project.snapshot()
    let out = try project.succeed(["migrate", "--dry-run", "--drop-unknown", "--backend", backend])
    #expect(out.split(separator: "\n").map(String.init) == Self.planLines(backend, project))
    #expect(project.snapshot() == files)
    // Without --drop-unknown, record 'a' stops the store: exit 1, still nothing written.
    let blocked = try project.run(["migrate", "--dry-run", "--backend", backend])
    #expect(blocked.status == 1, "\(blocked)")
    #expect(
      blocked.stdoutLines == Self.planLines(backend, project, dropUnknown: false) + [
        "people \(backend): 1 record cannot be migrated:",
        "  record 'a': legacy: unknown field; pass --drop-unknown to drop it",
      ], "\(blocked)")
    #expect(
      blocked.stderrLines == [
        "project: 1 record cannot be migrated (people \(backend)), listed above; fix them, or the manifest, before migrating"
      ], "\(blocked)")
    #expect(project.snapshot() == files)
  }

  @Test(arguments: backends)
  func jsonOutputGivesThePlanAsData(backend: String) throws {
    let project = try Self.seeded([backend])
    // Record 'a' holds a field that is gone: the dry run exits 1, and still prints the plan.
    let result = try project.run(["migrate", "--dry-run", "--backend", backend, "-o", "json"])
    #expect(result.status == 1, "\(result)")
    let out = try JSON.parse(result.stdout)
    let store = try #require(out.array?.first)
    #expect(out.array?.count == 1)
    #expect(store["service"] == .string("people") && store["backend"] == .string(backend))
    #expect(store["records"] == .int(4) && store["written"] == .bool(false))
    let changes = try #require(store["changes"]?.array)
    #expect(
      changes.first
        == .object([
          .init(key: "change", value: .string("rename")), .init(key: "from", value: .string("squad")),
          .init(key: "field", value: .string("team")), .init(key: "records", value: .int(1)),
        ]))
    #expect(
      store["unfixable"]
        == .array([
          .object([
            .init(key: "id", value: .string("a")), .init(key: "path", value: .string("legacy")),
            .init(key: "message", value: .string("unknown field; pass --drop-unknown to drop it")),
          ])
        ]))
  }

  /// SIGKILL as the migration reaches each step of its write (strace's `inject=…:signal=KILL`
  /// on every `pwrite64`, `fsync`, `fdatasync` and `rename` after the manifest, and the first,
  /// middle and last `write`): the store holds the old records or the migrated ones, and the next migrate
  /// finishes the job.
  /// The file stores only: a killed PostgreSQL client leaves a transaction the server rolls back.
  @Test(arguments: ["json", "sqlite"])
  func killedDuringMigrateLeavesTheOldOrTheNewState(backend: String) throws {
    let project = try Self.seeded([backend])
    let template = project.root.appendingPathComponent("template-data")
    try FileManager.default.copyItem(at: project.url("data"), to: template)
    func reset() throws {
      try FileManager.default.removeItem(at: project.url("data"))
      try FileManager.default.copyItem(at: template, to: project.url("data"))
    }
    /// The records without `updated_at`, which each run sets to its own time.
    func state() throws -> String {
      try list(project, backend).map { record -> String in
        guard case .object(let members) = record else { return "\(record)" }
        return JSON.object(members.filter { $0.key != "updated_at" }).description
      }.joined(separator: "\n")
    }
    let arguments = ["migrate", "--drop-unknown", "--backend", backend]
    let old = try state()
    try project.succeed(arguments)
    let new = try state()
    try #require(old != new)
    try reset()
    let steps = ["write", "pwrite64", "fsync", "fdatasync", "rename"]
    let (traced, calls, _) = try project.traced(arguments, calls: steps)
    try #require(traced.status == 0, "\(traced)")
    var kills: [(String, Int)] = []
    for step in steps {
      let found = ProjectRunner.occurrences(of: step, in: calls)
      // Every sync, rename and page write (a step between two commits would be missed
      // otherwise); the first, middle and last of the JSON writer's many writes.
      let chosen: [Int?] = step == "write" ? [found.first, found.dropFirst(found.count / 2).first, found.last] : found
      kills += Set(chosen.compactMap { $0 }).sorted().map { (step, $0) }
    }
    try #require(kills.count >= 4, "\(kills)")
    for (step, n) in kills {
      try reset()
      let (result, landed) = try project.run(arguments, fault: .killAt(step, occurrence: n))
      #expect(landed && result.signaled && result.status == SIGKILL, "SIGKILL at \(step) #\(n): \(result)")
      let left = try state()
      #expect(left == old || left == new, "SIGKILL at \(step) #\(n) left:\n\(left)")
      try project.succeed(arguments)
      #expect(try state() == new, "after SIGKILL at \(step) #\(n)")
      for folder in ["data/json", "data/db"] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: project.path(folder))) ?? []
        #expect(!names.contains { $0.hasSuffix(".tmp") || $0.hasSuffix("-journal") }, "\(folder): \(names)")
      }
    }
  }

  @Test func renamedFromMustNameAFieldNoLongerDeclaredAndOnlyOnce() throws {
    let project = try ProjectRunner(
      manifest: Self.after.replacingOccurrences(of: "renamed_from: squad", with: "renamed_from: [squad, age]"))
    expectFailure(
      try project.run(["migrate"]), exitCode: 2,
      stderr:
        "project: project.yaml:8:53: services.people.fields.team.renamed_from[1]: 'age' is a field of the schema; a field can only be renamed from a name no longer declared"
    )
    try project.write(
      Self.after.replacingOccurrences(
        of: "role:   { type: string, required: true, default: staff }",
        with: "role:   { type: string, required: true, default: staff, renamed_from: squad }"),
      to: "project.yaml")
    expectFailure(
      try project.run(["check"]), exitCode: 2,
      stderr:
        "project: project.yaml:9:77: services.people.fields.role.renamed_from: 'squad' is already the old name of 'team'; give each old name to one field"
    )
  }

  @Test func unknownServiceIsAUsageError() throws {
    let project = try Self.seeded(["json"])
    expectFailure(
      try project.run(["migrate", "peeple"]), exitCode: 2,
      stderr: "project: unknown service 'peeple' in project.yaml; did you mean 'people'?")
    expectFailure(
      try project.run(["migrate", "--backend", "csv"]), exitCode: 2,
      stderr: "project: invalid value 'csv' for '--backend'; expected json, sqlite or postgres; see 'project --help'")
  }

  @Test func storesWithoutRecordsHaveNothingToMigrate() throws {
    let project = try ProjectRunner(manifest: Self.after)
    #expect(try project.succeed(["migrate"]) == "nothing to migrate\n")
    #expect(!project.exists("data"))
  }

  @Test func helpAndCompletionsKnowMigrate() throws {
    let project = try ProjectRunner(manifest: Self.after)
    let help = try project.succeed(["--help"])
    #expect(help.contains("migrate"), "\(help)")
    let migrateHelp = try project.succeed(["migrate", "--help"])
    for option in ["--backend", "--dry-run", "--drop-unknown", "--output"] {
      #expect(migrateHelp.contains(option), "\(option) in \(migrateHelp)")
    }
    func complete(_ words: String...) throws -> [String] {
      try project.succeed(["__complete"] + words).split(separator: "\n").map(String.init)
    }
    #expect(try complete("mig") == ["migrate"])
    // This manifest names no PostgreSQL server.
    #expect(try complete("migrate", "--backend", "") == ["json", "sqlite"])
    #expect(try complete("migrate", "--d") == ["--dry-run", "--drop-unknown"])
    #expect(try complete("migrate", "p") == ["people"])
  }
}
