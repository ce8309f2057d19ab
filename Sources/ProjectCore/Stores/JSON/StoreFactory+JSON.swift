extension StoreFactory {
  /// A JSON file store at `stores.json`.
  static func jsonStore(for service: ServiceDefinition) -> RecordStore {
    JSONFileStore(service: service)
  }
}
