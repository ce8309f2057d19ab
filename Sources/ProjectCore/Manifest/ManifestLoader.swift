/// Loads `project.yaml` into a `Manifest`, checking every part and naming file:line:column and
/// the YAML path of whatever is wrong.
public struct ManifestLoader {
  public static let fileName = "project.yaml"
  /// Where a server keeps its manifest; the last place `locate` looks.
  public static let systemPath = "/etc/project/project.yaml"

  /// Finds the manifest: `explicit`, else `$PROJECT_MANIFEST`, else the nearest `project.yaml`
  /// in `directory` or above it, else `/etc/project/project.yaml`.
  public static func locate(explicit: String?, directory: String = FileSystem.currentDirectory()) throws(ManifestError)
    -> String
  {
    let cwd = FileSystem.currentDirectory()
    if let explicit, !explicit.isEmpty {
      return Path.normalize(Path.join(cwd, explicit))
    }
    if let fromEnvironment = FileSystem.environment("PROJECT_MANIFEST"), !fromEnvironment.isEmpty {
      return Path.normalize(Path.join(cwd, fromEnvironment))
    }
    var folder = Path.normalize(Path.join(cwd, directory))
    while true {
      let candidate = Path.join(folder, fileName)
      if FileSystem.exists(candidate) { return candidate }
      if folder == "/" { break }
      folder = Path.directory(of: folder)
    }
    if FileSystem.exists(systemPath) { return systemPath }
    throw ManifestError(
      file: fileName, mark: nil, path: "",
      message:
        "no manifest found in \(cwd), any folder above it, or \(systemPath); pass --manifest PATH, set PROJECT_MANIFEST, or run 'project init'"
    )
  }

  /// Reads and checks the whole manifest. `only` names the one service the command needs: every
  /// service is still checked, and any error anywhere is thrown as it would be otherwise, but
  /// only that one is built into a `ServiceDefinition`.
  ///
  /// With a `cache`, a large manifest that loads without an error is kept there, and a command
  /// naming one service of it reads that service from the cache while the manifest's bytes are
  /// the ones that were checked (`ManifestCache`).
  public static func load(path: String, only service: String? = nil, cache: ManifestCache? = nil)
    throws(ManifestError) -> Manifest
  {
    let display = Path.display(path)
    let bytes: [UInt8]
    do {
      guard let read = try FileSystem.read(path) else {
        throw ManifestError(file: display, mark: nil, path: "", message: "the manifest does not exist")
      }
      bytes = read
    } catch let error as ManifestError {
      throw error
    } catch {
      throw ManifestError(file: display, mark: nil, path: "", message: "\(error)")
    }
    guard let cache, bytes.count >= ManifestCache.minimumManifestSize else {
      return try parse(bytes, path: path, only: service)
    }
    let key = cache.key(bytes, path: path)
    if let service, let manifest = cache.manifest(key: key, path: path, service: service) {
      return manifest
    }
    let root = try tree(bytes, path: path)
    let manifest = try check(root, path: path, only: service)
    cache.write(root, key: key, path: path)
    return manifest
  }

  /// Parses manifest text; `path` is the file's absolute path, against which `data_dir` resolves.
  /// `only` as for `load(path:only:cache:)`.
  public static func parse(_ bytes: [UInt8], path: String, only service: String? = nil) throws(ManifestError)
    -> Manifest
  {
    try check(tree(bytes, path: path), path: path, only: service)
  }

  /// The manifest from its YAML tree, checked whole; `only` as for `load(path:only:cache:)`.
  static func check(_ root: YAMLNode, path: String, only service: String?) throws(ManifestError) -> Manifest {
    var loader = ManifestLoader(file: Path.display(path), manifestPath: path)
    return try loader.manifest(root, only: service)
  }

  /// The manifest's YAML tree, not yet checked.
  static func tree(_ bytes: [UInt8], path: String) throws(ManifestError) -> YAMLNode {
    let root: YAMLNode?
    do {
      root = try YAMLReader.parse(bytes)
    } catch {
      throw ManifestError(file: Path.display(path), mark: error.mark, path: "", message: error.message)
    }
    guard let root else {
      throw ManifestError(
        file: Path.display(path), mark: nil, path: "",
        message: "the manifest is empty; it needs at least 'version: 1' and 'services:'")
    }
    return root
  }

  let file: String
  let manifestPath: String
  /// Where each service's store settings stand, for errors that compare services.
  var storeMarks: [String: (service: SourceMark, json: SourceMark?, table: SourceMark?, serverTable: SourceMark?)] =
    [:]
  /// The manifest's `postgres:` section, once read.
  var postgres: (url: String?, node: YAMLNode)?

  init(file: String, manifestPath: String) {
    self.file = file
    self.manifestPath = manifestPath
  }

  func error(_ node: YAMLNode?, _ path: String, _ message: String) -> ManifestError {
    ManifestError(file: file, mark: node?.mark, path: path, message: message)
  }

  /// The pairs of a mapping node, after checking its keys against the allowed ones.
  func mapping(_ node: YAMLNode, _ path: @autoclosure () -> String, allowed: [String]?) throws(ManifestError) -> [(
    key: String, keyNode: YAMLNode, value: YAMLNode
  )] {
    guard case .mapping(let pairs, _) = node else {
      throw error(node, path(), "expected a mapping, found \(node.kindName)")
    }
    // A few keys are told apart faster by looking back than by hashing; a long mapping (the
    // services) gets a set.
    var seen: Set<String>?
    var result: [(key: String, keyNode: YAMLNode, value: YAMLNode)] = []
    result.reserveCapacity(pairs.count)
    for pair in pairs {
      guard let key = pair.key.scalarText else {
        throw error(pair.key, path(), "keys must be plain names, found \(pair.key.kindName)")
      }
      func keyPath() -> String {
        let parent = path()
        return parent.isEmpty ? key : "\(parent).\(key)"
      }
      if result.count == 16 { seen = Set(result.map(\.key)) }
      let duplicate = seen == nil ? result.contains { $0.key == key } : seen?.insert(key).inserted == false
      if duplicate {
        throw error(pair.key, keyPath(), "duplicate key '\(key)'")
      }
      if let allowed, !allowed.contains(key) {
        var message = "unknown key '\(key)'"
        if let near = Suggestion.nearest(to: key, in: allowed) {
          message += "; did you mean '\(near)'?"
        } else {
          message += "; expected one of \(allowed.joined(separator: ", "))"
        }
        throw error(pair.key, keyPath(), message)
      }
      result.append((key, pair.key, pair.value))
    }
    return result
  }

  func string(_ node: YAMLNode, _ path: @autoclosure () -> String) throws(ManifestError) -> String {
    guard case .scalar(let text, _, _) = node else {
      throw error(node, path(), "expected a string, found \(node.kindName)")
    }
    return text
  }

  func bool(_ node: YAMLNode, _ path: @autoclosure () -> String) throws(ManifestError) -> Bool {
    guard case .bool(let b) = node.jsonValue, case .scalar = node else {
      throw error(node, path(), "expected true or false, found \(describe(node))")
    }
    return b
  }

  func number(_ node: YAMLNode, _ path: @autoclosure () -> String) throws(ManifestError) -> Double {
    switch node.jsonValue {
    case .integer(let i) where node.isPlainScalar: return Double(i)
    case .double(let d) where node.isPlainScalar: return d
    default: throw error(node, path(), "expected a number, found \(describe(node))")
    }
  }

  func count(_ node: YAMLNode, _ path: @autoclosure () -> String) throws(ManifestError) -> Int {
    guard case .integer(let i) = node.jsonValue, node.isPlainScalar, i >= 0, i <= Int64(Int32.max) else {
      throw error(node, path(), "expected a whole number of at least 0, found \(describe(node))")
    }
    return Int(i)
  }

  func describe(_ node: YAMLNode) -> String {
    if case .scalar(let text, _, _) = node { return "'\(text)'" }
    return node.kindName
  }

  func identifier(_ name: String, _ node: YAMLNode, _ path: @autoclosure () -> String, what: String)
    throws(ManifestError) -> String
  {
    if name.utf8.count > Identifier.maximumLength, Identifier.isSafeText(name) {
      throw error(
        node, path(),
        "\(what) is too long: \(name.utf8.count) characters, and at most \(Identifier.maximumLength) are allowed")
    }
    guard Identifier.isSafe(name) else {
      throw error(
        node, path(),
        "\(what) '\(name)' is not a safe name; use letters, digits and '_', starting with a letter or '_' (at most \(Identifier.maximumLength) characters)"
      )
    }
    return name
  }

  mutating func manifest(_ root: YAMLNode, only: String?) throws(ManifestError) -> Manifest {
    let pairs = try mapping(root, "", allowed: ["version", "app", "data_dir", "defaults", "postgres", "services"])
    var app = "project"
    var dataDir = "data"
    var backend = Backend.sqlite
    var backendNode: YAMLNode?
    var servicesNode: YAMLNode?
    var sawVersion = false
    for (key, keyNode, value) in pairs {
      switch key {
      case "version":
        sawVersion = true
        guard case .integer(1) = value.jsonValue else {
          throw error(value, "version", "unsupported manifest version \(describe(value)); this build reads version 1")
        }
      case "app":
        app = try string(value, "app")
        guard !app.isEmpty else { throw error(value, "app", "must not be empty") }
        guard Identifier.isSafeFileNameText(app) else {
          throw error(value, "app", "app name '\(app)' must be letters, digits, '_', '-' or '.', not starting with '.'")
        }
        guard app.utf8.count <= Identifier.maximumFileNameLength else {
          throw error(
            value, "app",
            "app name is too long: \(app.utf8.count) characters, and at most \(Identifier.maximumFileNameLength) are allowed (it names the database file db/<app>.db)"
          )
        }
      case "data_dir":
        dataDir = try string(value, "data_dir")
        if dataDir.isEmpty { throw error(value, "data_dir", "must not be empty") }
      case "defaults":
        for (dkey, _, dvalue) in try mapping(value, "defaults", allowed: ["backend"]) where dkey == "backend" {
          backend = try self.backend(dvalue, "defaults.backend")
          backendNode = dvalue
        }
      case "postgres":
        postgres = try postgresServer(value)
      case "services":
        servicesNode = value
      default:
        _ = keyNode
      }
    }
    if !sawVersion {
      throw error(root, "version", "missing 'version: 1' at the top of the manifest")
    }
    if backend == .postgres && postgres == nil {
      throw error(
        backendNode, "defaults.backend",
        "the default backend is postgres, but the manifest has no 'postgres:' section naming the server")
    }
    let manifestFolder = Path.directory(of: manifestPath)
    let dataDirectory = Path.normalize(Path.join(manifestFolder, dataDir))
    // Every service is checked, which builds it; only the services the command needs are kept,
    // and of the others their names and store settings (to find two that share a store).
    var checked: [(name: String, stores: StoreSettings)] = []
    var services: [ServiceDefinition] = []
    if let servicesNode, !(servicesNode.isPlainScalar && servicesNode.jsonValue.isNull) {
      for (name, nameNode, value) in try mapping(servicesNode, "services", allowed: nil) {
        let path = "services.\(name)"
        _ = try identifier(name, nameNode, path, what: "service name")
        let service = try service(name, value, path, app: app, dataDirectory: dataDirectory)
        checked.append((name, service.stores))
        if only == nil || only == name { services.append(service) }
      }
    } else {
      throw error(root, "services", "missing 'services:'; declare at least one service")
    }
    try checkSharedStores(checked)
    return Manifest(
      path: manifestPath, app: app, dataDirectory: dataDirectory, defaultBackend: backend,
      serviceNames: checked.map(\.name), services: services)
  }

  func backend(_ node: YAMLNode, _ path: @autoclosure () -> String) throws(ManifestError) -> Backend {
    let text = try string(node, path())
    guard let backend = Backend(rawValue: text) else {
      var message = "unknown backend '\(text)'"
      if let near = Suggestion.nearest(to: text, in: Backend.allCases.map(\.rawValue)) {
        message += "; did you mean '\(near)'?"
      } else {
        message += "; expected json, sqlite or postgres"
      }
      throw error(node, path(), message)
    }
    return backend
  }

  mutating func service(_ name: String, _ node: YAMLNode, _ path: String, app: String, dataDirectory: String)
    throws(ManifestError) -> ServiceDefinition
  {
    let pairs = try mapping(
      node, path, allowed: ["description", "fields", "indexes", "stores", "id", "additional_fields"])
    var description: String?
    var schema = ObjectSchema()
    var fieldsNode: YAMLNode?
    var indexNodes: [(String, YAMLNode)] = []
    var idStrategy = RecordID.Strategy.uuid7
    var idNode: YAMLNode?
    var jsonPath = "json/\(name)_items.json"
    var jsonNode: YAMLNode?
    var sqlitePath = "db/\(app).db"
    var sqliteNode: YAMLNode?
    var table = "\(name)_items"
    var tableNode: YAMLNode?
    var serverTable = "\(name)_items"
    var serverSchema = "public"
    var serverTableNode: YAMLNode?
    for (key, _, value) in pairs {
      func keyPath() -> String { "\(path).\(key)" }
      switch key {
      case "description": description = try string(value, keyPath())
      case "fields": fieldsNode = value
      case "additional_fields": schema.additional = try bool(value, keyPath())
      case "indexes":
        guard case .sequence(let items, _) = value else {
          throw error(value, keyPath(), "expected a list of field names, found \(value.kindName)")
        }
        for (i, item) in items.enumerated() { indexNodes.append((try string(item, "\(keyPath())[\(i)]"), item)) }
      case "id":
        idNode = value
        if case .scalar(let text, _, _) = value {
          switch text {
          case "uuid7", "uuidv7": idStrategy = .uuid7
          case "uuid4", "uuidv4": idStrategy = .uuid4
          default:
            throw error(value, keyPath(), "unknown id kind '\(text)'; expected uuid7, uuid4 or {field: NAME}")
          }
        } else {
          for (ikey, _, ivalue) in try mapping(value, keyPath(), allowed: ["field"]) where ikey == "field" {
            idStrategy = .field(try string(ivalue, "\(keyPath()).field"))
          }
        }
      case "stores":
        for (skey, _, svalue) in try mapping(value, keyPath(), allowed: ["json", "sqlite", "postgres"]) {
          func settingPath() -> String { "\(keyPath()).\(skey)" }
          if skey == "postgres" {
            guard postgres != nil else {
              throw error(
                svalue, settingPath(),
                "the service has a postgres store, but the manifest has no top-level 'postgres:' section naming the server"
              )
            }
            for (k, _, v) in try mapping(svalue, settingPath(), allowed: ["table", "schema"]) {
              let name = try postgresIdentifier(
                try string(v, "\(settingPath()).\(k)"), v, "\(settingPath()).\(k)", what: "\(k) name")
              if k == "table" {
                serverTable = name
                serverTableNode = v
              } else {
                serverSchema = name
              }
            }
          } else if skey == "json" {
            for (k, _, v) in try mapping(svalue, settingPath(), allowed: ["path"]) where k == "path" {
              jsonPath = try string(v, "\(settingPath()).path")
              jsonNode = v
            }
          } else {
            for (k, _, v) in try mapping(svalue, settingPath(), allowed: ["path", "table"]) {
              if k == "path" {
                sqlitePath = try string(v, "\(settingPath()).path")
                sqliteNode = v
              } else {
                table = try identifier(
                  try string(v, "\(settingPath()).table"), v, "\(settingPath()).table", what: "table name")
                tableNode = v
              }
            }
          }
        }
      default: break
      }
    }
    // SQLite keeps its own tables under `sqlite_` (any case) and refuses to write any other
    // table so named; an index name starts with its table's name.
    if Identifier.isReservedBySQLite(table) {
      if let tableNode {
        throw error(
          tableNode, "\(path).stores.sqlite.table",
          "table name '\(table)' starts with 'sqlite_', which SQLite reserves for its own tables; choose another name")
      }
      throw error(
        node, path,
        "the service's table would be '\(table)', and names starting with 'sqlite_' are reserved by SQLite for its own tables; rename the service or set stores.sqlite.table"
      )
    }
    guard let fieldsNode else {
      throw error(node, "\(path).fields", "missing 'fields:'; a service needs at least one field")
    }
    schema.fields = try objectFields(fieldsNode, "\(path).fields", topLevel: true)
    if schema.fields.isEmpty {
      throw error(fieldsNode, "\(path).fields", "a service needs at least one field")
    }
    if case .field(let idField) = idStrategy {
      guard let spec = schema.spec(for: idField) else {
        throw error(idNode, "\(path).id.field", "unknown field '\(idField)'" + suggestion(idField, schema.fieldNames))
      }
      switch spec.type {
      case .string, .integer: break
      default:
        throw error(
          idNode, "\(path).id.field", "a natural key must be a string or integer field, not \(spec.type.name)")
      }
      guard spec.required else {
        throw error(idNode, "\(path).id.field", "the natural key field '\(idField)' must be 'required: true'")
      }
    }
    var indexes: [FieldPath] = []
    for (i, (text, indexNode)) in indexNodes.enumerated() {
      guard let fieldPath = FieldPath(parsing: text), schema.spec(at: fieldPath) != nil || schema.isFreeForm(fieldPath)
      else {
        throw error(indexNode, "\(path).indexes[\(i)]", "unknown field '\(text)'" + suggestion(text, schema.fieldNames))
      }
      guard fieldPath.components.allSatisfy(Identifier.isSafe) else {
        throw error(indexNode, "\(path).indexes[\(i)]", "'\(text)' is not a safe field path")
      }
      indexes.append(fieldPath)
    }
    storeMarks[name] = (node.mark, jsonNode?.mark, tableNode?.mark, serverTableNode?.mark)
    if serverTableNode == nil, postgres != nil {
      serverTable = try postgresIdentifier(serverTable, node, "\(path).stores.postgres.table", what: "table name")
    }
    var stores = StoreSettings(
      json: StoreSettings.File(
        path: try storePath(jsonPath, jsonNode, "\(path).stores.json.path", dataDirectory: dataDirectory),
        confinement: Path.isAbsolute(jsonPath) ? nil : dataDirectory),
      sqlite: StoreSettings.Table(
        path: try storePath(sqlitePath, sqliteNode, "\(path).stores.sqlite.path", dataDirectory: dataDirectory),
        table: table,
        confinement: Path.isAbsolute(sqlitePath) ? nil : dataDirectory))
    if let postgres {
      stores.postgres = StoreSettings.Server(url: postgres.url, schema: serverSchema, table: serverTable)
    }
    return ServiceDefinition(
      name: name, description: description, schema: schema, idStrategy: idStrategy, indexes: indexes, stores: stores)
  }

  /// The `postgres:` section: the server's connection string, which must not hold a password.
  func postgresServer(_ node: YAMLNode) throws(ManifestError) -> (url: String?, node: YAMLNode) {
    var url: String?
    for (key, _, value) in try mapping(node, "postgres", allowed: ["url"]) where key == "url" {
      let text = try string(value, "postgres.url")
      if PostgresConnectionString.containsPassword(text) {
        throw error(
          value, "postgres.url",
          "the connection string holds a password, and a manifest is no place for one; give it in PGPASSWORD or ~/.pgpass instead"
        )
      }
      url = text
    }
    return (url, node)
  }

  /// A PostgreSQL table or schema name: a safe name within PostgreSQL's 63-byte limit (longer
  /// names would be cut short by the server).
  func postgresIdentifier(_ name: String, _ node: YAMLNode, _ path: @autoclosure () -> String, what: String)
    throws(ManifestError)
    -> String
  {
    _ = try identifier(name, node, path(), what: what)
    if name.utf8.count > 63 {
      throw error(
        node, path(),
        "\(what) '\(name)' is too long for PostgreSQL: \(name.utf8.count) characters, and at most 63 are allowed")
    }
    return name
  }

  func suggestion(_ word: String, _ candidates: [String]) -> String {
    Suggestion.nearest(to: word, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
  }

  /// Resolves a store path against the data folder; relative paths must stay inside it.
  func storePath(_ text: String, _ node: YAMLNode?, _ path: @autoclosure () -> String, dataDirectory: String)
    throws(ManifestError)
    -> String
  {
    if text.isEmpty || text.hasSuffix("/") { throw error(node, path(), "expected a file path, found '\(text)'") }
    if UTF8Text.containsNUL(text) { throw error(node, path(), "the path contains a NUL byte") }
    if Path.isAbsolute(text) { return Path.normalize(text) }
    let resolved = Path.normalize(Path.join(dataDirectory, text))
    guard Path.isInside(resolved, dataDirectory), resolved != dataDirectory else {
      throw error(
        node, path(),
        "'\(text)' escapes data_dir (\(Path.display(dataDirectory))); use a path inside it, or an absolute path")
    }
    return resolved
  }

  /// Two services may share a database file but not a JSON file or a table. The error points
  /// at the second service's setting (or the service, when it relies on a default).
  func checkSharedStores(_ services: [(name: String, stores: StoreSettings)]) throws(ManifestError) {
    var jsonOwners: [String: String] = [:]
    var tableOwners: [String: String] = [:]
    for service in services {
      let marks = storeMarks[service.name]
      if let other = jsonOwners[service.stores.json.path] {
        throw ManifestError(
          file: file, mark: marks?.json ?? marks?.service, path: "services.\(service.name).stores.json.path",
          message:
            "services '\(other)' and '\(service.name)' share the JSON file \(Path.display(service.stores.json.path)); give each its own"
        )
      }
      jsonOwners[service.stores.json.path] = service.name
      let tableKey = service.stores.sqlite.path + "\u{0}" + service.stores.sqlite.table.lowercased()
      if let other = tableOwners[tableKey] {
        throw ManifestError(
          file: file, mark: marks?.table ?? marks?.service, path: "services.\(service.name).stores.sqlite.table",
          message:
            "services '\(other)' and '\(service.name)' share the table '\(service.stores.sqlite.table)' in \(Path.display(service.stores.sqlite.path)); give each its own"
        )
      }
      tableOwners[tableKey] = service.name
      guard let server = service.stores.postgres else { continue }
      let serverKey = "\u{1}" + server.schema + "\u{0}" + server.table
      if let other = tableOwners[serverKey] {
        throw ManifestError(
          file: file, mark: marks?.serverTable ?? marks?.service,
          path: "services.\(service.name).stores.postgres.table",
          message:
            "services '\(other)' and '\(service.name)' share the PostgreSQL table \(server.schema).\(server.table); give each its own"
        )
      }
      tableOwners[serverKey] = service.name
    }
  }

  static let fieldKeys = [
    "type", "required", "default", "minimum", "maximum", "min_length", "max_length", "pattern",
    "unique", "values", "items", "fields", "additional", "description", "renamed_from",
  ]

  func objectFields(_ node: YAMLNode, _ path: @autoclosure () -> String, topLevel: Bool) throws(ManifestError) -> [(
    name: String, spec: FieldSpec
  )] {
    var fields: [(name: String, spec: FieldSpec)] = []
    var renamedNodes: [(String, YAMLNode)] = []
    for (name, nameNode, value) in try mapping(node, path(), allowed: nil) {
      func fieldPath() -> String { "\(path()).\(name)" }
      _ = try identifier(name, nameNode, fieldPath(), what: "field name")
      if topLevel, Identifier.reserved.contains(name) {
        throw error(
          nameNode, fieldPath(), "'\(name)' is reserved for the record's own \(name); choose another field name")
      }
      fields.append((name, try fieldSpec(value, fieldPath(), topLevel: topLevel)))
      if case .mapping(let pairs, _) = value, let renamed = pairs.first(where: { $0.key.scalarText == "renamed_from" })
      {
        renamedNodes.append((name, renamed.value))
      }
    }
    // An old name is where `migrate` finds a field's values: it must not be a field of today's
    // schema, nor the old name of two fields.
    var claimed: [String: String] = [:]
    for (name, node) in renamedNodes {
      let olds = fields.first(where: { $0.name == name })?.spec.renamedFrom ?? []
      for (i, old) in olds.enumerated() {
        var node = node
        var oldPath = "\(path()).\(name).renamed_from"
        if case .sequence(let items, _) = node, i < items.count {
          node = items[i]
          oldPath += "[\(i)]"
        }
        if fields.contains(where: { $0.name == old }) {
          throw error(
            node, oldPath,
            "'\(old)' is a field of the schema; a field can only be renamed from a name no longer declared")
        }
        if let other = claimed[old] {
          throw error(node, oldPath, "'\(old)' is already the old name of '\(other)'; give each old name to one field")
        }
        claimed[old] = name
      }
    }
    return fields
  }

  /// The names of `renamed_from:`: one name, or a list of names.
  func oldNames(_ node: YAMLNode, _ path: String) throws(ManifestError) -> [String] {
    let items: [(YAMLNode, String)]
    if case .sequence(let nodes, _) = node {
      guard !nodes.isEmpty else { throw error(node, path, "expected a field name or a list of field names") }
      items = nodes.enumerated().map { ($1, "\(path)[\($0)]") }
    } else {
      items = [(node, path)]
    }
    var names: [String] = []
    for (item, itemPath) in items {
      let name = try identifier(try string(item, itemPath), item, itemPath, what: "old field name")
      if names.contains(name) { throw error(item, itemPath, "duplicate old name '\(name)'") }
      names.append(name)
    }
    return names
  }

  func typeName(_ node: YAMLNode, _ path: @autoclosure () -> String) throws(ManifestError) -> String {
    let name = try string(node, path())
    guard FieldType.names.contains(name) else {
      throw error(
        node, path(),
        "unknown type '\(name)'"
          + (Suggestion.nearest(to: name, in: FieldType.names).map { "; did you mean '\($0)'?" }
            ?? "; expected one of \(FieldType.names.joined(separator: ", "))"))
    }
    return name
  }

  func fieldSpec(_ node: YAMLNode, _ path: @autoclosure () -> String, topLevel: Bool) throws(ManifestError) -> FieldSpec
  {
    if case .scalar = node {
      let name = try typeName(node, path())
      if ["enum", "array"].contains(name) {
        throw error(node, path(), "type '\(name)' needs a mapping with \(name == "enum" ? "'values'" : "'items'")")
      }
      return FieldSpec(type: name == "object" ? .object(ObjectSchema(additional: true)) : simpleType(name))
    }
    let pairs = try mapping(node, path(), allowed: Self.fieldKeys)
    guard let typePair = pairs.first(where: { $0.key == "type" }) else {
      throw error(node, "\(path()).type", "missing 'type'; expected one of \(FieldType.names.joined(separator: ", "))")
    }
    let name = try typeName(typePair.value, "\(path()).type")
    func value(_ key: String) -> YAMLNode? { pairs.first { $0.key == key }?.value }
    func reject(_ keys: [String], unless allowed: Bool, for kinds: String) throws(ManifestError) {
      guard !allowed else { return }
      for key in keys {
        if let v = pairs.first(where: { $0.key == key }) {
          throw error(v.keyNode, "\(path()).\(key)", "'\(key)' applies to \(kinds), not to type '\(name)'")
        }
      }
    }
    var type: FieldType
    switch name {
    case "enum":
      guard let valuesNode = value("values") else {
        throw error(node, "\(path()).values", "an enum needs 'values', a list of strings")
      }
      guard case .sequence(let items, _) = valuesNode, !items.isEmpty else {
        throw error(valuesNode, "\(path()).values", "expected a non-empty list of strings")
      }
      var values: [String] = []
      for (i, item) in items.enumerated() {
        let text = try string(item, "\(path()).values[\(i)]")
        if values.containsBytes(text) { throw error(item, "\(path()).values[\(i)]", "duplicate value '\(text)'") }
        values.append(text)
      }
      type = .enumeration(values)
    case "array":
      guard let itemsNode = value("items") else {
        throw error(node, "\(path()).items", "an array needs 'items', the type of its elements")
      }
      type = .array(try fieldSpec(itemsNode, "\(path()).items", topLevel: false))
    case "object":
      let additional =
        try value("additional").map { v throws(ManifestError) in try bool(v, "\(path()).additional") } ?? false
      let nested =
        try value("fields").map { v throws(ManifestError) in try objectFields(v, "\(path()).fields", topLevel: false) }
        ?? []
      if nested.isEmpty && !additional {
        throw error(node, path(), "an object needs 'fields' or 'additional: true'")
      }
      type = .object(ObjectSchema(fields: nested, additional: additional))
    default:
      type = simpleType(name)
    }
    try reject(["values"], unless: name == "enum", for: "enum")
    try reject(["items"], unless: name == "array", for: "array")
    try reject(["fields", "additional"], unless: name == "object", for: "object")
    try reject(["minimum", "maximum"], unless: name == "integer" || name == "number", for: "integer and number")
    try reject(["min_length", "max_length"], unless: name == "string" || name == "array", for: "string and array")
    try reject(["pattern"], unless: name == "string", for: "string")
    var spec = FieldSpec(type: type)
    for (key, keyNode, v) in pairs {
      func keyPath() -> String { "\(path()).\(key)" }
      switch key {
      case "required": spec.required = try bool(v, keyPath())
      case "minimum": spec.minimum = try number(v, keyPath())
      case "maximum": spec.maximum = try number(v, keyPath())
      case "min_length": spec.minLength = try count(v, keyPath())
      case "max_length": spec.maxLength = try count(v, keyPath())
      case "description": spec.description = try string(v, keyPath())
      case "renamed_from":
        guard topLevel else { throw error(keyNode, keyPath(), "'renamed_from' applies to top-level fields only") }
        spec.renamedFrom = try oldNames(v, keyPath())
      case "pattern":
        let source = try string(v, keyPath())
        do { spec.pattern = try Pattern(source) } catch {
          throw self.error(v, keyPath(), "pattern '\(source)' is refused: \(error)")
        }
      case "unique":
        spec.unique = try bool(v, keyPath())
        if spec.unique {
          guard topLevel else { throw error(keyNode, keyPath(), "'unique' applies to top-level fields only") }
          switch type {
          case .string, .integer, .number, .boolean, .datetime, .date, .enumeration: break
          default: throw error(keyNode, keyPath(), "'unique' applies to scalar fields, not to type '\(name)'")
          }
        }
      default: break
      }
    }
    if let minimum = spec.minimum, let maximum = spec.maximum, minimum > maximum {
      throw error(
        value("minimum"), "\(path()).minimum",
        "minimum \(ValueText.number(minimum)) is greater than maximum \(ValueText.number(maximum))")
    }
    if let minLength = spec.minLength, let maxLength = spec.maxLength, minLength > maxLength {
      throw error(
        value("min_length"), "\(path()).min_length", "min_length \(minLength) is greater than max_length \(maxLength)")
    }
    if let defaultNode = value("default") {
      let defaultValue = defaultNode.jsonValue
      let issues = SchemaValidator(schema: ObjectSchema()).validate(defaultValue, spec: spec, path: FieldPath([]))
      if let issue = issues.first {
        throw error(defaultNode, "\(path()).default", "the default does not fit the field: \(issue)")
      }
      spec.defaultValue = defaultValue
    }
    return spec
  }

  func simpleType(_ name: String) -> FieldType {
    switch name {
    case "string": .string
    case "integer": .integer
    case "number": .number
    case "boolean": .boolean
    case "datetime": .datetime
    case "date": .date
    default: .any
    }
  }
}

extension YAMLNode {
  var isPlainScalar: Bool {
    if case .scalar(_, let plain, _) = self { return plain }
    return false
  }
}
