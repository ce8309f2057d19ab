import CYAML

/// A YAML syntax error from libyaml, or a document shape this reader does not accept.
public struct YAMLError: ProjectError, Sendable {
  public var mark: SourceMark
  public var message: String
  public var exitCode: Int32 { 2 }
  /// `line:column: message`; the manifest loader puts the file in front.
  public var description: String { "\(mark.line):\(mark.column): \(message)" }
}
