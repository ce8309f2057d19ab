/// The parsed `project.yaml`: the app, where its data lives, and its services.
public struct Manifest: Sendable {
  /// Absolute path of the manifest file.
  public var path: String
  public var app: String
  /// Absolute path of the data folder.
  public var dataDirectory: String
  public var defaultBackend: Backend
  /// Every service the manifest declares, in its order.
  public var serviceNames: [String]
  /// The services built for the command: every declared one, unless the manifest was loaded for
  /// one service (`ManifestLoader.load(path:only:cache:)`), and then that one alone, or none when
  /// it is not declared. The others were checked as thoroughly, and not kept.
  public var services: [ServiceDefinition]

  public func service(named name: String) -> ServiceDefinition? {
    services.first { $0.name == name }
  }
}
