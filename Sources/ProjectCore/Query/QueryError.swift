/// A `--where`, `--sort` or `--fields` argument that cannot be used, and why.
public struct QueryError: ProjectError, Sendable, Equatable {
  public var exitCode: Int32 { 2 }
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
