import ArgumentParser
import ProjectCore

/// `--manifest PATH`, accepted by every command that reads the manifest.
struct ManifestOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("The manifest to read.", valueName: "path"))
  var manifest: String?

  func load() throws -> Manifest { try Self.load(explicit: manifest) }

  static func load(explicit: String?) throws -> Manifest {
    try ManifestLoader.load(path: ManifestLoader.locate(explicit: explicit ?? GlobalArguments.manifest))
  }
}
