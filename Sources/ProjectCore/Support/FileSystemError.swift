#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A failed operating-system call, naming the file and the reason the system gave.
public struct FileSystemError: ProjectError, Equatable, Sendable {
  public var exitCode: Int32 { 1 }
  public var path: String
  public var operation: String
  public var code: Int32
  /// Said instead of the system's text for `code`, when that would not tell what is wrong.
  public var detail: String? = nil

  public var description: String {
    "cannot \(operation) \(path): " + (detail ?? "\(String(cString: strerror(code))) (errno \(code))")
  }

  /// A file the command saw a moment ago is gone when it opens it (another process removed it).
  public static func vanished(_ path: String) -> FileSystemError {
    FileSystemError(
      path: path, operation: "open", code: ENOENT, detail: "it was removed while the command ran; nothing was written")
  }

  /// A file where the command saw none, found as it put its new file in place.
  public static func appeared(_ path: String) -> FileSystemError {
    FileSystemError(
      path: path, operation: "create", code: EEXIST,
      detail: "a file of that name appeared while the command ran, and it was left as it is; nothing was written")
  }

  /// A file read in pieces no longer holds what the command read from it a moment ago (it was
  /// changed in place, not replaced as the writers replace it).
  public static func changed(_ path: String) -> FileSystemError {
    FileSystemError(path: path, operation: "read", code: EIO, detail: "it was changed in place while the command ran")
  }

  static let lockTimeoutOperation = "lock (still held by another process)"
  /// `FileLock` waited its whole timeout.
  public var isLockTimeout: Bool { operation == Self.lockTimeoutOperation }
}
