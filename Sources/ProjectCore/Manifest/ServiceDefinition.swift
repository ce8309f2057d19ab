/// One declared service: its record schema and where its stores live.
public struct ServiceDefinition: Equatable, Sendable {
  public var name: String
  public var description: String?
  public var schema: ObjectSchema
  public var idStrategy: RecordID.Strategy
  /// Field paths that get expression indexes on SQLite.
  public var indexes: [FieldPath]
  /// Where each backend keeps the service's records.
  public var stores: StoreSettings

  /// The backends that hold a store for this service: JSON and SQLite always, PostgreSQL when
  /// the manifest names a server.
  public var backends: [Backend] {
    stores.postgres == nil ? [.json, .sqlite] : [.json, .sqlite, .postgres]
  }

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
