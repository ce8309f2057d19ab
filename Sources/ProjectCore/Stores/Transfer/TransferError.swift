/// Why records could not be read from a file, or could not be moved.
public struct TransferError: ProjectError {
  public var exitCode: Int32 { 1 }
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
