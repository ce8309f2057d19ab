/// Which store a command reads and writes.
public enum Backend: String, CaseIterable, Sendable {
  case json, sqlite
}

/// The parsed `project.yaml`: the app, where its data lives, and its services.
public struct Manifest: Sendable {
  /// Absolute path of the manifest file.
  public var path: String
  public var app: String
  /// Absolute path of the data folder.
  public var dataDirectory: String
  public var defaultBackend: Backend
  public var services: [ServiceDefinition]

  public func service(named name: String) -> ServiceDefinition? {
    services.first { $0.name == name }
  }
}

/// One declared service: its record schema and where its stores live.
public struct ServiceDefinition: Sendable {
  public var name: String
  public var description: String?
  public var schema: ObjectSchema
  public var idStrategy: RecordID.Strategy
  /// Field paths that get expression indexes on SQLite.
  public var indexes: [FieldPath]
  /// Where each backend keeps the service's records.
  public var stores: StoreSettings

  /// Top-level fields whose values must be unique across the store.
  public var uniqueFields: [String] {
    schema.fields.filter { $0.spec.unique }.map(\.name)
  }

  public init(
    name: String, description: String? = nil, schema: ObjectSchema, idStrategy: RecordID.Strategy = .uuid7,
    indexes: [FieldPath] = [], stores: StoreSettings
  ) {
    self.name = name
    self.description = description
    self.schema = schema
    self.idStrategy = idStrategy
    self.indexes = indexes
    self.stores = stores
  }
}
