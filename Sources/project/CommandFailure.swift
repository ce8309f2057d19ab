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

  /// Why a service has no store on `backend`: only PostgreSQL needs the manifest to name a server.
  static func noStore(_ backend: Backend) -> String {
    "the manifest names no PostgreSQL server, so there is no \(backend.rawValue) store; add a 'postgres:' section with its url"
  }
}
