import CYAML

/// A position in a text file, 1-based.
public struct SourceMark: Hashable, Sendable {
  public var line: Int
  public var column: Int
  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }
}
