#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Writes a file in pieces to a uniquely named temp file beside it, then puts it in place
/// atomically with `commit()`: fsync, rename over the target, fsync of the folder. Dropped
/// without a commit, it removes the temp file and the target stays as it was.
public final class AtomicFileWriter {
  public let path: String
  let temp: String
  let fd: Int32
  var finished = false
  var buffer: [UInt8] = []

  public init(path: String) throws(FileSystemError) {
    self.path = path
    let folder = Path.directory(of: path)
    temp = Path.join(folder, ".\(Path.lastComponent(of: path)).\(getpid()).\(FileSystem.randomHex(6)).tmp")
    var existing = stat()
    let hadFile = stat(path, &existing) == 0
    // Tracked before it exists: a signal between the two would otherwise leave it behind.
    InterruptCleanup.track(temp)
    fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    if fd < 0 {
      let code = errno
      InterruptCleanup.track(nil)
      throw FileSystemError(path: temp, operation: "create", code: code)
    }
    if hadFile {
      _ = fchmod(fd, existing.st_mode & 0o7777)
      if existing.st_uid != geteuid() || existing.st_gid != getegid() {
        _ = fchown(fd, existing.st_uid, existing.st_gid)
      }
    }
  }

  /// Appends bytes (those in `range`, or all); they reach the disk in pieces of 1 MiB or more,
  /// a large piece straight from `bytes`, without a copy.
  public func write(_ bytes: [UInt8], range: Range<Int>? = nil) throws(FileSystemError) {
    let range = range ?? bytes.indices
    if buffer.count + range.count < 1 << 20 {
      buffer.append(contentsOf: bytes[range])
      return
    }
    try flush()
    if range.count >= 1 << 20 {
      try FileSystem.writeAll(fd, bytes, range, path: temp)
    } else {
      buffer.append(contentsOf: bytes[range])
    }
  }

  func flush() throws(FileSystemError) {
    try FileSystem.writeAll(fd, buffer, path: temp)
    buffer.removeAll(keepingCapacity: true)
  }

  /// Puts the file in place. With `replacing` false, the writer saw no file at `path` and
  /// must not replace one that is there now: the file is linked into place, which fails when
  /// the name is taken (a file made by hand meanwhile, or an open that failed as if there were
  /// none), and nothing is replaced. With `durable` false (a file that may be lost, as a
  /// cache), nothing waits for the disk: the file is whole or absent, unless the machine stops.
  public func commit(replacing: Bool = true, durable: Bool = true) throws(FileSystemError) {
    defer { InterruptCleanup.track(nil) }
    try flush()
    if durable, fsync(fd) != 0 { throw FileSystemError(path: temp, operation: "sync", code: errno) }
    finished = true
    if close(fd) != 0 {
      unlink(temp)
      throw FileSystemError(path: temp, operation: "close", code: errno)
    }
    if !replacing {
      let linked = link(temp, path) == 0
      let code = errno
      unlink(temp)
      if !linked {
        if code == EEXIST { throw FileSystemError.appeared(path) }
        throw FileSystemError(path: path, operation: "create", code: code)
      }
    } else if rename(temp, path) != 0 {
      let code = errno
      unlink(temp)
      throw FileSystemError(path: path, operation: "replace", code: code)
    }
    if durable { try FileSystem.syncDirectory(Path.directory(of: path)) }
  }

  deinit {
    if !finished {
      close(fd)
      unlink(temp)
      InterruptCleanup.track(nil)
    }
  }
}
