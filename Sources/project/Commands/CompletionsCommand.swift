import ArgumentParser
import ProjectCore

/// `project completions bash|zsh|fish`: a completion script that asks the binary itself for
/// candidates, so that services, field flags and enum values come from the current manifest.
struct CompletionsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "completions", abstract: "Print a shell completion script (bash, zsh or fish).")

  @Argument(help: "bash, zsh or fish.")
  var shell: String

  func validate() throws {
    guard CompletionScripts.shells.contains(shell) else {
      throw ValidationError("unknown shell '\(shell)'; expected bash, zsh or fish")
    }
  }

  func run() throws {
    print(CompletionScripts.script(for: shell), terminator: "")
  }
}
