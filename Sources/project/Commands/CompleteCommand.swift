import ArgumentParser
import ProjectCore

/// `project __complete WORD...`: the candidates for the last word, one per line.
struct CompleteCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "__complete", shouldDisplay: false)

  @Argument(parsing: .captureForPassthrough)
  var words: [String] = []

  func run() throws {
    for candidate in Completer(words: words).candidates() { print(candidate) }
  }
}
