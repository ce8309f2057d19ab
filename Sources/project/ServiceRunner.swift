import ProjectCore

/// Runs one record command for one service: parses its options into core calls and prints.
struct ServiceRunner {
  let manifest: Manifest
  let service: ServiceDefinition
  let action: ServiceAction
  let arguments: ActionArguments
  let records: RecordService

  init(manifest: Manifest, service: ServiceDefinition, action: ServiceAction, arguments: ActionArguments) {
    self.manifest = manifest
    self.service = service
    self.action = action
    self.arguments = arguments
    self.records = RecordService(definition: service)
  }

  func usage(_ message: String) -> CommandFailure {
    .usage("\(message); see 'project svc \(service.name) \(action.rawValue) --help'")
  }

  func run() throws {
    switch action {
    case .add: try add()
    case .get: try get()
    case .list: try list()
    case .count: try count()
    case .update: try update()
    case .delete: try delete()
    case .export: try export()
    case .import: try importRecords()
    case .diff: try diff()
    }
  }

  // MARK: Options

  func choice<T: RawRepresentable & CaseIterable>(_ name: String, default value: T) throws -> T
  where T.RawValue == String {
    guard let text = arguments.value(name) else { return value }
    guard let parsed = T(rawValue: text) else {
      throw usage(
        "invalid value '\(text)' for '--\(name)'"
          + ServiceSelection.nearMiss(text, in: T.allCases.map(\.rawValue), listing: "expected one of"))
    }
    return parsed
  }

  func backend() throws -> Backend { try available(try choice("backend", default: manifest.defaultBackend)) }

  /// The backend, when the service has a store there: PostgreSQL only where the manifest names
  /// a server.
  func available(_ backend: Backend) throws -> Backend {
    guard service.backends.contains(backend) else { throw usage(CommandFailure.noStore(backend)) }
    return backend
  }
  func output() throws -> OutputFormat { try choice("output", default: .table) }

  func count(_ name: String) throws -> Int? {
    guard let text = arguments.value(name) else { return nil }
    guard let value = Int(text), value >= 0 else {
      throw usage("'--\(name)' needs a whole number of at least 0, found '\(text)'")
    }
    return value
  }

  func noPositionals() throws {
    if let extra = arguments.positionals.first { throw usage("unexpected argument '\(extra)'") }
  }

  func printer(fields: [FieldPath]? = nil) -> RecordPrinter {
    RecordPrinter(
      schema: service.schema, fields: fields,
      terminalWidth: arguments.flag("no-trunc") ? nil : FileSystem.terminalWidth())
  }

  func filters() throws -> [Filter] {
    let parser = FilterParser(schema: service.schema)
    return try arguments.values("where").map { text throws(QueryError) in try parser.parseFilter(text) }
  }

  /// The fields given as `--<field>` flags and `--set path=value`, typed by the schema.
  func fieldAssignments() throws -> [(FieldPath, JSONValue)] {
    var assignments: [(FieldPath, JSONValue)] = []
    var arrays: [String: Int] = [:]
    for (name, spec, text) in arguments.fieldValues {
      let value = try FieldValueParser.parse(text, spec: spec, path: FieldPath([service.name, name]))
      if case .array(let items) = value, let i = arrays[name], case .array(let earlier) = assignments[i].1 {
        assignments[i].1 = .array(earlier + items)
        continue
      }
      if case .array = value { arrays[name] = assignments.count }
      assignments.append((FieldPath([name]), value))
    }
    for text in arguments.values("set") {
      guard let equals = text.firstIndex(of: "="), let path = FieldPath(parsing: String(text[..<equals])) else {
        throw usage("'--set' needs PATH=VALUE, found '\(text)'")
      }
      let valueText = String(text[text.index(after: equals)...])
      let spec = service.schema.spec(at: path)
      if spec == nil && !service.schema.isFreeForm(path) {
        var message = "--set: unknown field '\(path)'"
        if let near = Suggestion.nearest(to: path.description, in: service.schema.fieldNames) {
          message += "; did you mean '\(near)'?"
        }
        throw CommandFailure.failure(message)
      }
      assignments.append(
        (path, try FieldValueParser.parse(valueText, spec: spec, path: FieldPath([service.name] + path.components))))
    }
    return assignments
  }

  func readJSONArgument(_ text: String) throws -> JSONObject {
    var bytes: [UInt8]
    var name = "--json"
    if text == "-" {
      bytes = try LineReader(path: "-").readAll()
      name = "standard input"
    } else if text.hasPrefix("@") {
      let path = String(text.dropFirst())
      guard let read = try FileSystem.read(path) else { throw CommandFailure.failure("--json: \(path) does not exist") }
      bytes = read
      name = path
    } else {
      bytes = Array(text.utf8)
    }
    let value: JSONValue
    do { value = try JSONReader.parse(bytes) } catch {
      throw CommandFailure.failure("\(name):\(error.line):\(error.column): \(error.message)")
    }
    guard case .object(let object) = value else {
      throw CommandFailure.failure("\(name): expected a JSON object of fields, found \(value.kindName)")
    }
    return object
  }

  func printRecords(_ list: [Record], format: OutputFormat, fields: [FieldPath]? = nil) {
    FileSystem.writeStandard(printer(fields: fields).render(list, as: format))
  }

  // MARK: Actions

  func add() throws {
    try noPositionals()
    let backend = try backend()
    let format = arguments.value("output") != nil ? try output() : nil
    var fields = try arguments.value("json").map(readJSONArgument) ?? JSONObject()
    for (path, value) in try fieldAssignments() {
      guard fields.set(value, at: path) else {
        throw CommandFailure.failure("\(path): cannot be set: a part of the path is not an object")
      }
    }
    let record = try records.newRecord(fields: fields)
    _ = try records.store(backend).insert([record], onConflict: .fail)
    if let format {
      printRecords([record], format: format)
    } else {
      print(record.id)
    }
  }

  func get() throws {
    guard !arguments.positionals.isEmpty else { throw usage("missing record id") }
    let format = try output()
    let found = try records.store(try backend()).get(ids: arguments.positionals)
    if !found.isEmpty { printRecords(found, format: format) }
    let foundIDs = Set(found.map { ByteString($0.id) })
    let missing = arguments.positionals.filter { !foundIDs.contains(ByteString($0)) }
    if !missing.isEmpty {
      throw StoreError.notFound(ids: missing, location: records.store(try backend()).location)
    }
  }

  func query() throws -> RecordQuery {
    let parser = FilterParser(schema: service.schema)
    return RecordQuery(
      filters: try filters(),
      sort: try arguments.values("sort").map { text throws(QueryError) in try parser.parseSort(text) },
      limit: try count("limit"),
      offset: try count("offset") ?? 0)
  }

  func list() throws {
    try noPositionals()
    let backend = try backend()
    let query = try query()
    let format = try output()
    let fields = try arguments.value("fields").map { text throws(QueryError) in
      try FilterParser(schema: service.schema).parseFields(text)
    }
    if arguments.flag("explain") {
      guard let store = records.store(backend) as? QueryExplaining else {
        throw usage("'--explain' shows SQLite's plan; use it with --backend sqlite")
      }
      let (sql, bindings) = store.selectSQL(query)
      var lines = ["SQL: \(sql)"]
      if !bindings.isEmpty {
        lines.append("PARAMETERS: " + bindings.map { JSONWriter.string(Self.json($0)) }.joined(separator: ", "))
      }
      lines.append("PLAN:")
      lines.append(contentsOf: try store.explain(query).map { "  \($0)" })
      print(lines.joined(separator: "\n"))
      return
    }
    let store = records.store(backend)
    let printer = printer(fields: fields)
    if let raw = store as? RawRowStreaming, printer.writesStoredText(format) {
      return try printer.writeStored(
        as: format, rows: { each in try raw.forEachRow(query, each) }, output: { FileSystem.writeStandard($0) })
    }
    try printer.write(
      as: format, records: { each in try store.forEach(query, each) }, output: { FileSystem.writeStandard($0) })
  }

  static func json(_ scalar: SQLScalar) -> JSONValue {
    switch scalar {
    case .null: .null
    case .integer(let i): .integer(i)
    case .real(let d): .double(d)
    case .text(let s): .string(s)
    }
  }

  func count() throws {
    try noPositionals()
    print(try records.store(try backend()).count(RecordQuery(filters: try filters())))
  }

  /// The `--<field>`, `--set` and `--unset` options of `update`.
  func changes() throws -> RecordService.Changes {
    var changes = RecordService.Changes()
    changes.assignments = try fieldAssignments()
    for text in arguments.values("unset") {
      guard let path = FieldPath(parsing: text) else { throw usage("'--unset' needs a field name, found '\(text)'") }
      changes.unset.append(path)
    }
    if changes.isEmpty { throw usage("nothing to change; give --<field> VALUE, --set PATH=VALUE or --unset FIELD") }
    return changes
  }

  func update() throws {
    if !arguments.values("where").isEmpty { return try updateMatching() }
    if arguments.flag("yes") || arguments.flag("dry-run") {
      throw usage("'--\(arguments.flag("yes") ? "yes" : "dry-run")' goes with --where")
    }
    guard let id = arguments.positionals.first else { throw usage("missing record id") }
    guard arguments.positionals.count == 1 else {
      throw usage("update takes one id, found \(arguments.positionals.count)")
    }
    let backend = try backend()
    let format = arguments.value("output") != nil ? try output() : nil
    let record = try records.update(id: id, changes: try changes(), in: records.store(backend))
    if let format { printRecords([record], format: format) } else { print(record.id) }
  }

  /// `update --where EXPR... [--yes] [--dry-run]`: every match changed in one atomic write, or
  /// none when any result would be invalid (every problem listed). Records the change leaves as
  /// they were are not written. Without `--yes` it refuses, saying how many would change.
  func updateMatching() throws {
    guard arguments.positionals.isEmpty else { throw usage("give an id or --where, not both") }
    if arguments.value("output") != nil {
      throw usage("'--output' shows one updated record; it does not go with --where")
    }
    let store = records.store(try backend())
    let query = RecordQuery(filters: try filters())
    let changes = try changes()
    if arguments.flag("dry-run") || !arguments.flag("yes") {
      let matches = try store.list(query)
      let changed = try records.changed(matches, by: changes)
      if arguments.flag("dry-run") {
        print("would update \(Plural.records(changed.count)) of \(matches.count) matching --where; nothing written")
        return
      }
      throw CommandFailure.failure(
        "refusing to update \(Plural.records(changed.count)) matching --where without --yes; nothing updated")
    }
    let now = Timestamp.now()
    let updated = try store.update(matching: query) { matches in try records.changed(matches, by: changes, now: now) }
    print("updated \(Plural.records(updated))")
  }

  func delete() throws {
    let store = records.store(try backend())
    let filters = try filters()
    if !filters.isEmpty {
      guard arguments.positionals.isEmpty else { throw usage("give ids or --where, not both") }
      let query = RecordQuery(filters: filters)
      guard arguments.flag("yes") else {
        let matches = try store.count(query)
        throw CommandFailure.failure(
          "refusing to delete \(Plural.records(matches)) matching --where without --yes; nothing deleted")
      }
      let deleted = try store.delete(matching: query)
      print("deleted \(Plural.records(deleted))")
      return
    }
    guard !arguments.positionals.isEmpty else { throw usage("give the ids to delete, or --where EXPR --yes") }
    let deleted = try store.delete(ids: arguments.positionals)
    print("deleted \(Plural.records(deleted))")
  }
}
