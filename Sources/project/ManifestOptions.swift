import ArgumentParser
import ProjectCore

/// `--manifest PATH`, accepted by every command that reads the manifest.
struct ManifestOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("The manifest to read.", valueName: "path"))
  var manifest: String?

  func load() throws -> Manifest { try Self.load(explicit: manifest) }

  /// The manifest, checked whole; `only` names the one service to build, when the command needs
  /// no other (`ManifestLoader.load(path:only:cache:)`). A large one is kept in the user's cache.
  static func load(explicit: String?, only service: String? = nil) throws -> Manifest {
    try ManifestLoader.load(
      path: ManifestLoader.locate(explicit: explicit ?? GlobalArguments.manifest), only: service,
      cache: ManifestCache.ofUser(version: Version.number))
  }
}
