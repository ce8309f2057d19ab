/// An error the command line reports as it is: one sentence (or one per line) naming what and
/// where, and the exit code it ends the process with: 1 for a failure, 2 for a usage or
/// manifest error.
public protocol ProjectError: Error, CustomStringConvertible {
  var exitCode: Int32 { get }
}
