/// One way in which a value does not satisfy its schema, at a field path.
public struct ValidationIssue: Hashable, Sendable, CustomStringConvertible {
  public var path: FieldPath
  public var message: String

  public init(path: FieldPath, message: String) {
    self.path = path
    self.message = message
  }

  public var description: String { path.components.isEmpty ? message : "\(path): \(message)" }
}
