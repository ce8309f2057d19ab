/// A syntax error in JSON text, with the 1-based line and column where it was found.
public struct JSONSyntaxError: ProjectError, Equatable, Sendable {
  public var exitCode: Int32 { 1 }
  public var line: Int
  public var column: Int
  public var message: String

  public var description: String { "\(line):\(column): \(message)" }
}
