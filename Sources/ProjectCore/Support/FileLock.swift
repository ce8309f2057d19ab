#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// An exclusive advisory lock (`flock`) on a sidecar lock file, held until `unlock()`.
///
/// The data file is replaced on every write, so it cannot carry the lock itself. The lock file
/// stays in place: it holds no data, and the kernel releases the lock when its holder dies.
/// It is opened without following a symlink (one is refused), and must be a regular file.
public final class FileLock {
  let fd: Int32
  public let path: String

  /// How the lock's file is opened.
  public enum Mode: Sendable {
    /// The sidecar lock file, created when missing.
    case create
    /// The sidecar lock file only when it exists already (`nil` from `existing` otherwise).
    case existing
    /// A folder, locked in place: nothing is created.
    case folder
  }

  /// Waits up to `timeout` seconds for the lock; fails with a clear error after that.
  public convenience init(path: String, timeout: Double) throws(FileSystemError) {
    try self.init(path: path, timeout: timeout, always: .create)
  }

  /// Locks a folder in place: nothing is created.
  public convenience init(folder: String, timeout: Double) throws(FileSystemError) {
    try self.init(path: folder, timeout: timeout, always: .folder)
  }

  /// `.create` and `.folder` never answer nil (only `.existing` does).
  private init(path: String, timeout: Double, always mode: Mode) throws(FileSystemError) {
    guard let fd = try Self.acquire(path: path, timeout: timeout, mode: mode) else {
      throw FileSystemError(path: path, operation: "open lock file", code: ENOENT)
    }
    self.path = path
    self.fd = fd
  }

  /// A lock in another mode; nil only for `.existing` when there is no lock file.
  public init?(path: String, timeout: Double, mode: Mode) throws(FileSystemError) {
    guard let fd = try Self.acquire(path: path, timeout: timeout, mode: mode) else { return nil }
    self.path = path
    self.fd = fd
  }

  static func acquire(path: String, timeout: Double, mode: Mode) throws(FileSystemError) -> Int32? {
    let fd: Int32
    switch mode {
    case .create: fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o666)
    case .existing: fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
    case .folder: fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    }
    if fd < 0 {
      let code = errno
      if mode == .existing && code == ENOENT { return nil }
      var info = stat()
      if code == ELOOP && lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK {
        throw FileSystemError(
          path: path, operation: "open lock file", code: code,
          detail: "it is a symlink, and a lock file is never followed; remove the link")
      }
      throw FileSystemError(
        path: path, operation: mode == .folder ? "open folder to lock" : "open lock file", code: code)
    }
    if mode != .folder {
      var info = stat()
      if fstat(fd, &info) != 0 || (info.st_mode & S_IFMT) != S_IFREG {
        close(fd)
        throw FileSystemError(
          path: path, operation: "use lock file", code: EINVAL, detail: "it is not a regular file; remove it")
      }
    }
    var backoff = Backoff(seconds: timeout)
    while flock(fd, LOCK_EX | LOCK_NB) != 0 {
      let code = errno
      guard code == EWOULDBLOCK || code == EINTR else {
        close(fd)
        throw FileSystemError(path: path, operation: "lock", code: code)
      }
      guard backoff.wait() else {
        close(fd)
        throw FileSystemError(path: path, operation: FileSystemError.lockTimeoutOperation, code: EWOULDBLOCK)
      }
    }
    return fd
  }

  deinit { close(fd) }
}
