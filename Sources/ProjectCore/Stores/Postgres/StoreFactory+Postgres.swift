extension StoreFactory {
  /// A PostgreSQL store in the table of `stores.postgres`. It connects on first use.
  static func postgresStore(for service: ServiceDefinition) -> RecordStore {
    PostgresStore(service: service)
  }
}
