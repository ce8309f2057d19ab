#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A file open for reading at any offset (`pread`), never mapped into memory: a file cut short
/// under a running command reads short, where a mapping would kill the process with SIGBUS.
/// Closed when dropped. A file replaced by rename is still the one opened.
public final class ReadOnlyFile {
  public let path: String
  let fd: Int32
  /// The size when opened; reads stop there.
  public private(set) var size: Int

  /// The file at `path`, or nil when it does not exist.
  public init?(path: String) throws(FileSystemError) {
    self.path = path
    fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      if errno == ENOENT { return nil }
      throw FileSystemError(path: path, operation: "open", code: errno)
    }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      let code = errno
      close(fd)
      throw FileSystemError(path: path, operation: "stat", code: code)
    }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      close(fd)
      throw FileSystemError(path: path, operation: "read", code: EISDIR)
    }
    size = Int(info.st_size)
  }

  deinit { close(fd) }

  /// Every byte, up to the size when opened (fewer when the file is found shorter).
  public func readAll() throws(FileSystemError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: size)
    bytes.removeSubrange(try read(at: 0, into: &bytes, bytes.indices)...)
    return bytes
  }

  /// Reads bytes from `offset` into `buffer[start..<end]` until it is full or the file ends;
  /// returns how many it read. A file found shorter than its size ends there.
  public func read(at offset: Int, into buffer: inout [UInt8], _ range: Range<Int>) throws(FileSystemError) -> Int {
    var done = 0
    while done < range.count && offset + done < size {
      let want = min(range.count - done, size - offset - done)
      let n = buffer.withUnsafeMutableBytes { raw -> Int in
        guard let base = raw.baseAddress else { return 0 }
        return pread(fd, base + range.lowerBound + done, want, off_t(offset + done))
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw FileSystemError(path: path, operation: "read", code: errno)
      }
      if n == 0 {
        size = offset + done
        break
      }
      done += n
    }
    return done
  }
}
