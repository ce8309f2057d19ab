import ArgumentParser
import ProjectCore

#if canImport(Glibc)
  import Glibc
#endif

/// Runs the command and turns every error into one sentence on stderr and the documented
/// exit code: 1 for failures, 2 for usage and manifest errors.
@main
enum Main {
  static func main() {
    // A file size limit (ulimit -f) must fail the write with a clear error, not kill the process.
    signal(SIGXFSZ, SIG_IGN)
    // A closed pipe (`| head -1`) ends the process silently with SIGPIPE, as it ends `cat`,
    // even when the parent left SIGPIPE ignored.
    signal(SIGPIPE, SIG_DFL)
    InterruptCleanup.install()
    ArgumentBytes.exitUnlessUTF8()
    let arguments = GlobalArguments.extract(Array(CommandLine.arguments.dropFirst()))
    do {
      // A bad PROJECT_LOCK_TIMEOUT is refused before any command runs, not found mid-write.
      _ = try LockTimeout.configured.get()
      // The record commands parse their own arguments; skipping the command-tree parser for
      // them saves most of a cold start.
      if arguments.first == "svc" {
        var command = SvcCommand()
        command.arguments = Array(arguments.dropFirst())
        try command.run()
        FileSystem.flushStandardOutput()
        return
      }
      var command = try ProjectCommand.parseAsRoot(arguments)
      try command.run()
      // `print` buffers: a failed write (a full disk, /dev/full) shows here, and is exit 1.
      FileSystem.flushStandardOutput()
    } catch {
      exit(report(error))
    }
  }

  static func report(_ error: Error) -> Int32 {
    let (message, code) = describe(error)
    if code == 0 {
      if !message.isEmpty { print(message) }
      FileSystem.flushStandardOutput()
      return 0
    }
    FileSystem.flushStandardOutput()
    // A result that is not an error (`diff` finding differences) exits 1 without a message.
    if message.isEmpty { return code }
    let lines = message.split(separator: "\n", omittingEmptySubsequences: true)
    let text = lines.map { "project: \($0)" }.joined(separator: "\n") + "\n"
    FileSystem.writeStandard(Array(text.utf8), error: true)
    return code
  }

  static func describe(_ error: Error) -> (String, Int32) {
    switch error {
    case let error as ProjectError: return (error.description, error.exitCode)
    default:
      let code = ProjectCommand.exitCode(for: error)
      if code == .success { return (ProjectCommand.fullMessage(for: error), 0) }
      var message = ProjectCommand.message(for: error)
      if message.hasPrefix("Error: ") { message = String(message.dropFirst(7)) }
      message = message.split(separator: "\n").first.map(String.init) ?? message
      if let first = message.first, first.isUppercase { message = first.lowercased() + message.dropFirst() }
      return (message + "; see 'project --help'", 2)
    }
  }
}
