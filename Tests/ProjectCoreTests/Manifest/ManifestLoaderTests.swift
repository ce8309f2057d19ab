import Testing

@testable import ProjectCore

@Suite struct ManifestLoaderTests {
  func load(_ text: String) throws -> Manifest {
    try ManifestLoader.parse(Array(text.utf8), path: "/srv/app/project.yaml")
  }

  func error(_ text: String) -> String {
    do {
      _ = try load(text)
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  @Test func exampleManifestLoadsWithDefaults() throws {
    let folder = TemporaryFolder()
    let service = try Fixtures.service(in: folder)
    #expect(service.stores.json.path == folder.file("data/json/example_items.json"))
    #expect(service.stores.sqlite.path == folder.file("data/db/testapp.db"))
    #expect(service.stores.sqlite.table == "example_items")
    #expect(
      service.schema.fieldNames == [
        "name", "count", "score", "ok", "when", "day", "status", "tags", "meta", "owner", "extra", "email",
      ])
    #expect(service.schema.spec(for: "count")?.defaultValue == .integer(0))
    #expect(service.schema.spec(for: "tags")?.defaultValue == .array([]))
    #expect(service.schema.spec(for: "status")?.type == .enumeration(["active", "archived"]))
    #expect(service.indexes == [FieldPath(["status"]), FieldPath(["owner", "team"])])
    #expect(service.uniqueFields == ["email"])
  }

  @Test func shippedManifestLoads() throws {
    let path = #filePath.split(separator: "/").dropLast(4).joined(separator: "/")
    let manifest = try ManifestLoader.load(path: "/" + path + "/project.yaml")
    #expect(manifest.services.count >= 2)
    var used: Set<String> = []
    func collect(_ schema: ObjectSchema) {
      for (_, spec) in schema.fields {
        used.insert(spec.type.name)
        if case .object(let nested) = spec.type { collect(nested) }
        if case .array(let items) = spec.type { used.insert(items.type.name) }
      }
    }
    for service in manifest.services { collect(service.schema) }
    #expect(used == Set(FieldType.names))
  }

  @Test func unknownTypeSuggestsTheNearMiss() {
    #expect(
      error(
        """
        version: 1
        services:
          example:
            fields:
              count: { type: integr }
        """)
        == "/srv/app/project.yaml:5:22: services.example.fields.count.type: unknown type 'integr'; did you mean 'integer'?"
    )
  }

  @Test func unknownKeySuggestsTheNearMiss() {
    #expect(
      error(
        """
        version: 1
        services:
          example:
            feilds:
              name: string
        """) == "/srv/app/project.yaml:4:5: services.example.feilds: unknown key 'feilds'; did you mean 'fields'?")
  }

  @Test func yamlSyntaxErrorsPointAtTheirLine() {
    #expect(
      error("version: 1\nservices:\n  example: [a, b\n")
        == "/srv/app/project.yaml:4:1: while parsing a flow sequence did not find expected ',' or ']'")
  }

  @Test func unsafeNamesAreRejected() {
    #expect(
      error(
        """
        version: 1
        services:
          example:
            fields: { name: string }
            stores: { sqlite: { table: "x; DROP TABLE y" } }
        """)
        == "/srv/app/project.yaml:5:32: services.example.stores.sqlite.table: table name 'x; DROP TABLE y' is not a safe name; use letters, digits and '_', starting with a letter or '_' (at most 64 characters)"
    )
    #expect(
      error(
        """
        version: 1
        services:
          example:
            fields: { "na'me": string }
        """
      ).hasPrefix("/srv/app/project.yaml:4:15: services.example.fields.na'me: field name 'na'me' is not a safe name"))
  }

  /// SQLite keeps its own tables under `sqlite_` (any case) and refuses writes to others so
  /// named: such a table passed `check`, then every write failed. The loader refuses it.
  @Test(arguments: ["sqlite_master", "sqlite_sequence", "SQLITE_x", "Sqlite_stat1"])
  func tablesNamedLikeSQLitesOwnAreRefused(table: String) {
    #expect(
      error(
        """
        version: 1
        services:
          example:
            fields: { name: string }
            stores: { sqlite: { table: \(table) } }
        """)
        == "/srv/app/project.yaml:5:32: services.example.stores.sqlite.table: table name '\(table)' starts with 'sqlite_', which SQLite reserves for its own tables; choose another name"
    )
  }

  @Test func aServiceWhoseDefaultTableWouldBeSQLitesIsRefused() throws {
    #expect(
      error(
        """
        version: 1
        services:
          sqlite_stat:
            fields: { name: string }
        """)
        == "/srv/app/project.yaml:4:5: services.sqlite_stat: the service's table would be 'sqlite_stat_items', and names starting with 'sqlite_' are reserved by SQLite for its own tables; rename the service or set stores.sqlite.table"
    )
    let manifest = try load(
      """
      version: 1
      services:
        sqlite_stat:
          fields: { name: string }
          stores: { sqlite: { table: stats } }
        sqlitex:
          fields: { name: string }
      """)
    #expect(manifest.services.map(\.stores.sqlite.table) == ["stats", "sqlitex_items"])
  }

  /// A long `app` is refused as too long, with the limit, not as if it held a bad character.
  @Test func aTooLongAppNameSaysSoAndStatesTheLimit() throws {
    let long = String(repeating: "a", count: 300)
    #expect(
      error(
        """
        version: 1
        app: \(long)
        services:
          example:
            fields: { name: string }
        """)
        == "/srv/app/project.yaml:2:6: app: app name is too long: 300 characters, and at most 128 are allowed (it names the database file db/<app>.db)"
    )
    let longest = String(repeating: "b", count: 128)
    let manifest = try load(
      """
      version: 1
      app: \(longest)
      services:
        example:
          fields: { name: string }
      """)
    #expect(manifest.app == longest)
    #expect(
      error(
        """
        version: 1
        app: "my app"
        services:
          example:
            fields: { name: string }
        """)
        == "/srv/app/project.yaml:2:6: app: app name 'my app' must be letters, digits, '_', '-' or '.', not starting with '.'"
    )
    #expect(
      error(
        """
        version: 1
        app: ""
        services:
          example:
            fields: { name: string }
        """) == "/srv/app/project.yaml:2:6: app: must not be empty")
    let field = String(repeating: "f", count: 65)
    #expect(
      error(
        """
        version: 1
        services:
          example:
            fields: { \(field): string }
        """)
        == "/srv/app/project.yaml:4:15: services.example.fields.\(field): field name is too long: 65 characters, and at most 64 are allowed"
    )
  }

  @Test func storePathsMustStayInsideDataDir() {
    #expect(
      error(
        """
        version: 1
        services:
          example:
            fields: { name: string }
            stores: { json: { path: ../../etc/x.json } }
        """)
        == "/srv/app/project.yaml:5:29: services.example.stores.json.path: '../../etc/x.json' escapes data_dir (/srv/app/data); use a path inside it, or an absolute path"
    )
  }

  @Test func absoluteStorePathsAreAllowed() throws {
    let manifest = try load(
      """
      version: 1
      services:
        example:
          fields: { name: string }
          stores: { json: { path: /var/lib/x.json } }
      """)
    #expect(manifest.services[0].stores.json.path == "/var/lib/x.json")
  }

  @Test func servicesMayNotShareAJSONFileOrATable() {
    #expect(
      error(
        """
        version: 1
        services:
          a:
            fields: { name: string }
            stores: { json: { path: json/same.json } }
          b:
            fields: { name: string }
            stores: { json: { path: json/same.json } }
        """)
        == "/srv/app/project.yaml:8:29: services.b.stores.json.path: services 'a' and 'b' share the JSON file /srv/app/data/json/same.json; give each its own"
    )
    #expect(
      error(
        """
        version: 1
        services:
          a:
            fields: { name: string }
            stores: { sqlite: { table: t } }
          b:
            fields: { name: string }
            stores: { sqlite: { table: t } }
        """
      ).contains("services 'a' and 'b' share the table 't'"))
  }

  @Test func defaultsMustFitTheirField() {
    #expect(
      error(
        """
        version: 1
        services:
          example:
            fields:
              count: { type: integer, default: ten }
        """)
        == "/srv/app/project.yaml:5:40: services.example.fields.count.default: the default does not fit the field: expected integer, found \"ten\""
    )
  }

  @Test func constraintsMustSuitTheType() {
    #expect(
      error(
        """
        version: 1
        services:
          example:
            fields:
              name: { type: string, minimum: 3 }
        """)
        == "/srv/app/project.yaml:5:29: services.example.fields.name.minimum: 'minimum' applies to integer and number, not to type 'string'"
    )
    #expect(
      error(
        """
        version: 1
        services:
          example:
            fields:
              status: { type: enum }
        """)
        == "/srv/app/project.yaml:5:15: services.example.fields.status.values: an enum needs 'values', a list of strings"
    )
  }

  @Test func reservedFieldNamesAreRejected() {
    #expect(
      error(
        """
        version: 1
        services:
          example:
            fields: { id: string }
        """)
        == "/srv/app/project.yaml:4:15: services.example.fields.id: 'id' is reserved for the record's own id; choose another field name"
    )
  }

  @Test func missingVersionAndServicesAreReported() {
    #expect(
      error("services: {}\n") == "/srv/app/project.yaml:1:1: version: missing 'version: 1' at the top of the manifest")
    #expect(
      error("version: 2\nservices: {}\n")
        == "/srv/app/project.yaml:1:10: version: unsupported manifest version '2'; this build reads version 1")
  }

  @Test func deepNestingAndAliasBombsAreErrorsNotCrashes() {
    let deep =
      "version: 1\nservices: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
    #expect(error(deep).contains("nesting deeper than 256 levels"))
    var bomb = "version: 1\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
    var previous = "a"
    for name in ["b", "c", "d", "e", "f", "g", "h"] {
      bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
      previous = name
    }
    #expect(error(bomb).contains("expands to more than 1000000 nodes"))
  }

  @Test func nulBytesAreRejected() {
    #expect(error("version: 1\nservices:\u{0}\n") == "/srv/app/project.yaml:2:1: the file contains a NUL byte")
  }

  @Test func naturalKeyMustBeARequiredScalarField() {
    #expect(
      error(
        """
        version: 1
        services:
          hosts:
            id: { field: hostname }
            fields: { hostname: string }
        """
      ).hasSuffix("services.hosts.id.field: the natural key field 'hostname' must be 'required: true'"))
  }

  @Test func locateFindsTheNearestManifestUpwards() throws {
    let folder = TemporaryFolder()
    try folder.write("version: 1\nservices: {}\n", to: "project.yaml")
    try folder.write("", to: "a/b/.keep")
    #expect(try ManifestLoader.locate(explicit: nil, directory: folder.file("a/b")) == folder.file("project.yaml"))
    #expect(try ManifestLoader.locate(explicit: "/x/y.yaml", directory: folder.file("a/b")) == "/x/y.yaml")
  }
}
