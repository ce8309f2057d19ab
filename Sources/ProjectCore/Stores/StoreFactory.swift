/// The one place that turns a service's settings into its stores. Each backend's folder adds
/// the function that makes its store from its part of `ServiceDefinition.stores`, so only that
/// folder names the backend's types.
public enum StoreFactory {
  public static func store(_ backend: Backend, for service: ServiceDefinition) -> RecordStore {
    switch backend {
    case .json: jsonStore(for: service)
    case .sqlite: sqliteStore(for: service)
    case .postgres: postgresStore(for: service)
    }
  }

  /// The libraries behind the backends, with their versions, for `--version`.
  public static var libraries: [String] {
    ["SQLite \(sqliteLibraryVersion)", postgresLibraryVersion]
  }
}
