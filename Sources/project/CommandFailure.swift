import ArgumentParser
import ProjectCore

#if canImport(Glibc)
  import Glibc
#endif

/// A failure the command reports itself, with its exit code.
struct CommandFailure: ProjectError {
  var message: String
  var exitCode: Int32
  var description: String { message }

  static func usage(_ message: String) -> CommandFailure { CommandFailure(message: message, exitCode: 2) }
  static func failure(_ message: String) -> CommandFailure { CommandFailure(message: message, exitCode: 1) }
}
