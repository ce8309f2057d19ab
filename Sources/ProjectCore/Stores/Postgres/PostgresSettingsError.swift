/// A connection setting that cannot be used: a connection string that does not parse, or a
/// value (in the string or the environment) that is not one of the key's values. One sentence
/// naming the key, the value and where it came from; never the password. Exit code 2, as any
/// other configuration error.
public struct PostgresSettingsError: ProjectError, Equatable, Sendable {
  public var exitCode: Int32 { 2 }
  public var description: String

  public init(_ description: String) { self.description = description }
}
