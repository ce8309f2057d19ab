import ArgumentParser
import ProjectCore

/// The `project` command tree. Record commands live under `svc`, whose options come from the
/// manifest at run time and are parsed by `ServiceCommandLine`.
struct ProjectCommand: ParsableCommand {
  /// Shown in the help; the value itself is taken out before parsing (see `GlobalArguments`).
  @Option(
    name: .long,
    help: ArgumentHelp(
      "The manifest to read (default: $PROJECT_MANIFEST, else the nearest project.yaml upward, else /etc/project/project.yaml).",
      valueName: "path"))
  var manifest: String?

  static let configuration = CommandConfiguration(
    commandName: "project",
    abstract: "Records for the services a project.yaml declares, in JSON files and SQLite.",
    discussion: """
      The manifest is --manifest PATH, else $PROJECT_MANIFEST, else the nearest project.yaml in \
      this folder or above. Exit codes: 0 success, 1 failure (validation, conflict, I/O, not \
      found), 2 usage or manifest error; 'svc <service> diff' alone exits as diff(1) does: 0 the same, 1 \
      different, 2 on any error.
      """,
    version: Version.text,
    subcommands: [
      ServicesCommand.self, CheckCommand.self, InitCommand.self, SvcCommand.self, MigrateCommand.self,
      BackupCommand.self, CompletionsCommand.self, CompleteCommand.self,
    ]
  )
}
