import ArgumentParser
import ProjectCore

/// The `project` command tree. Record commands live under `svc`, whose options come from the
/// manifest at run time and are parsed by `ServiceCommandLine`.
struct ProjectCommand: ParsableCommand {
  /// Shown in the help; the value itself is taken out before parsing (see `GlobalArguments`).
  @Option(name: .long, help: ArgumentHelp("The manifest to read (default: $PROJECT_MANIFEST, else the nearest project.yaml upward, else /etc/project/project.yaml).", valueName: "path"))
  var manifest: String?

  static let configuration = CommandConfiguration(
    commandName: "project",
    abstract: "Records for the services a project.yaml declares, in JSON files and SQLite.",
    discussion: """
      The manifest is --manifest PATH, else $PROJECT_MANIFEST, else the nearest project.yaml in \
      this folder or above. Exit codes: 0 success, 1 failure (validation, conflict, I/O, not \
      found), 2 usage or manifest error.
      """,
    version: Version.text,
    subcommands: [ServicesCommand.self, CheckCommand.self, InitCommand.self, SvcCommand.self, CompletionsCommand.self, CompleteCommand.self]
  )
}

/// `--manifest PATH`, accepted by every command that reads the manifest.
struct ManifestOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("The manifest to read.", valueName: "path"))
  var manifest: String?

  func load() throws -> Manifest { try Self.load(explicit: manifest) }

  static func load(explicit: String?) throws -> Manifest {
    try ManifestLoader.load(path: ManifestLoader.locate(explicit: explicit ?? GlobalArguments.manifest))
  }
}

/// Options given before the subcommand, such as `project --manifest m.yaml svc ...`.
enum GlobalArguments {
  nonisolated(unsafe) static var manifest: String?

  /// Takes `--manifest PATH` and `--manifest=PATH` out of the arguments: the leading ones, or
  /// with `anywhere` every one before a `--` (the record commands accept global options after
  /// the action too: `svc users count --manifest m.yaml`). The last one given wins.
  static func extract(_ arguments: [String], anywhere: Bool = false) -> [String] {
    var rest: [String] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument == "--manifest", index + 1 < arguments.count {
        manifest = arguments[index + 1]
        index += 2
      } else if argument.hasPrefix("--manifest=") {
        manifest = String(argument.dropFirst("--manifest=".count))
        index += 1
      } else if !anywhere || argument == "--" {
        break
      } else {
        rest.append(argument)
        index += 1
      }
    }
    return rest + arguments[index...]
  }
}

enum Version {
  static let number = "0.1.0"
  static var text: String {
    "project \(number) (" + (StoreFactory.libraries + ["libyaml \(YAMLReader.libraryVersion)"]).joined(separator: ", ") + ")"
  }
}
