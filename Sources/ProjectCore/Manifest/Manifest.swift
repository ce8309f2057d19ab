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
