#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Reads a file or standard input line by line in fixed-size chunks, so that memory does not
/// grow with the size of the input.
public final class LineReader {
  let fd: Int32
  let ownsDescriptor: Bool
  public let name: String
  var buffer: [UInt8] = []
  var start = 0
  var atEnd = false
  public private(set) var lineNumber = 0
  /// Whether a CR before the LF stays in the line (CSV keeps it: it may be inside a quoted cell).
  public var keepsCarriageReturn = false

  /// Opens a file, or standard input for "-".
  public init(path: String) throws(FileSystemError) {
    if path == "-" {
      fd = 0
      ownsDescriptor = false
      name = "standard input"
    } else {
      fd = open(path, O_RDONLY | O_CLOEXEC)
      if fd < 0 { throw FileSystemError(path: path, operation: "open", code: errno) }
      var info = stat()
      if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
        close(fd)
        throw FileSystemError(path: path, operation: "read", code: EISDIR)
      }
      ownsDescriptor = true
      name = Path.display(path)
    }
  }

  /// Lines of bytes already in memory.
  public init(bytes: [UInt8], name: String) {
    fd = -1
    ownsDescriptor = false
    self.name = name
    buffer = bytes
    atEnd = true
  }

  deinit { if ownsDescriptor { close(fd) } }

  /// The next line without its line break, or nil at the end.
  public func nextLine() throws(FileSystemError) -> ArraySlice<UInt8>? {
    while true {
      let found = buffer.withUnsafeBufferPointer { all -> Int? in
        guard start < all.count, let base = all.baseAddress,
          let hit = memchr(base + start, 0x0A, all.count - start)
        else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
      }
      if let newline = found {
        let line = buffer[start..<newline]
        start = newline + 1
        lineNumber += 1
        return line.last == 0x0D && !keepsCarriageReturn ? line.dropLast() : line
      }
      if atEnd {
        guard start < buffer.count else { return nil }
        let line = buffer[start...]
        start = buffer.count
        lineNumber += 1
        return line.last == 0x0D && !keepsCarriageReturn ? line.dropLast() : line
      }
      if start > 0 {
        buffer.removeFirst(start)
        start = 0
      }
      try fill()
    }
  }

  /// Everything left, for formats that are read whole.
  public func readAll() throws(FileSystemError) -> [UInt8] {
    while !atEnd { try fill() }
    defer {
      buffer = []
      start = 0
    }
    return Array(buffer[start...])
  }

  func fill() throws(FileSystemError) {
    if try !FileSystem.readChunk(fd, path: name, into: &buffer) { atEnd = true }
  }
}
