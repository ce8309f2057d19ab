#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The one place that talks to the operating system: files, locks, clocks, environment.
public enum FileSystem {
  /// The whole file, or nil when it does not exist.
  public static func read(_ path: String) throws(FileSystemError) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      if errno == ENOENT { return nil }
      throw FileSystemError(path: path, operation: "open", code: errno)
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw FileSystemError(path: path, operation: "stat", code: errno) }
    if (info.st_mode & S_IFMT) == S_IFDIR { throw FileSystemError(path: path, operation: "read", code: EISDIR) }
    // The size stat gives, read straight into the array (no zero fill, few calls); then on in
    // chunks, in case the file grew meanwhile.
    let size = Int(info.st_size)
    var failure: Int32 = 0
    var result = [UInt8](unsafeUninitializedCapacity: size + (1 << 16)) { buffer, count in
      while count < size {
        let n = Glibc.read(fd, buffer.baseAddress! + count, size - count)
        if n < 0 && errno == EINTR { continue }
        if n < 0 { failure = errno }
        if n <= 0 { break }
        count += n
      }
    }
    if failure != 0 { throw FileSystemError(path: path, operation: "read", code: failure) }
    while try readChunk(fd, path: path, into: &result) {}
    return result
  }

  /// Appends what one `read` gives (up to 64 KiB) to `buffer`; false at the end of the file.
  static func readChunk(_ fd: Int32, path: String, into buffer: inout [UInt8]) throws(FileSystemError) -> Bool {
    let chunk = 1 << 16
    let start = buffer.count
    buffer.append(contentsOf: repeatElement(0, count: chunk))
    while true {
      let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + start, chunk) }
      if n < 0 && errno == EINTR { continue }
      buffer.removeLast(chunk - max(n, 0))
      if n < 0 { throw FileSystemError(path: path, operation: "read", code: errno) }
      return n > 0
    }
  }

  public static func exists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
  }

  /// The first component of `path` that is a symlink leading nowhere (to a missing file, or
  /// round in a loop), or nil. Only components that `stat` cannot reach are looked at.
  public static func danglingSymlink(on path: String) -> String? {
    var current = Path.normalize(path)
    var info = stat()
    var found: String?
    while stat(current, &info) != 0 && current != "/" && current != "." && !current.isEmpty {
      if lstat(current, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK { found = current }
      current = Path.directory(of: current)
    }
    return found
  }

  /// What a symlink holds, or nil when `path` is not one.
  public static func symlinkTarget(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink(path, &buffer, buffer.count - 1)
    guard n >= 0 else { return nil }
    return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  public static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// The last modification time of a file as milliseconds since 1970, or nil when it does not exist.
  public static func modificationTime(_ path: String) -> Int64? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
  }

  /// Creates a folder and its parents, like `mkdir -p`.
  public static func createDirectories(_ path: String) throws(FileSystemError) {
    if isDirectory(path) { return }
    let parent = Path.directory(of: path)
    if parent != path && !parent.isEmpty { try createDirectories(parent) }
    if mkdir(path, 0o777) != 0 {
      if errno != EEXIST { throw FileSystemError(path: path, operation: "create folder", code: errno) }
      return
    }
    // The new folder's name is on disk before a file in it is acknowledged.
    try syncDirectory(parent.isEmpty ? "." : parent)
  }

  /// Replaces the file atomically: temp file, fsync, rename, fsync of the folder.
  ///
  /// The temp file is uniquely named in the same folder. An existing file keeps its mode and,
  /// where the process may set it, its owner; a new file gets 0666 less the umask.
  public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileSystemError) {
    try writeAtomically(to: path) { writer throws(FileSystemError) in try writer.write(bytes) }
  }

  /// Replaces the file atomically with what `body` writes (see `AtomicFileWriter`).
  public static func writeAtomically(
    to path: String, replacing: Bool = true, _ body: (AtomicFileWriter) throws(FileSystemError) -> Void
  ) throws(FileSystemError) {
    let writer = try AtomicFileWriter(path: path)
    try body(writer)
    try writer.commit(replacing: replacing)
  }

  static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ range: Range<Int>? = nil, path: String) throws(FileSystemError)
  {
    let range = range ?? bytes.indices
    var offset = range.lowerBound
    while offset < range.upperBound {
      let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, range.upperBound - offset) }
      if n < 0 {
        if errno == EINTR { continue }
        throw FileSystemError(path: path, operation: "write", code: errno)
      }
      offset += n
    }
  }

  public static func syncDirectory(_ folder: String) throws(FileSystemError) {
    let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd < 0 { throw FileSystemError(path: folder, operation: "open folder", code: errno) }
    defer { close(fd) }
    if fsync(fd) != 0 && errno != EINVAL {
      throw FileSystemError(path: folder, operation: "sync folder", code: errno)
    }
  }

  /// Removes a file, or a folder that is empty; a path that is not there, or a folder that is
  /// not empty, is left as it is.
  public static func remove(_ path: String) {
    if unlink(path) != 0 && (errno == EISDIR || errno == EPERM) { rmdir(path) }
  }

  /// Flushes a file that another writer (SQLite's `VACUUM INTO`) wrote to disk.
  public static func syncFile(_ path: String) throws(FileSystemError) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw FileSystemError(path: path, operation: "open", code: errno) }
    defer { close(fd) }
    if fsync(fd) != 0 { throw FileSystemError(path: path, operation: "sync", code: errno) }
  }

  /// Calls `body` with the file's bytes 64 KiB at a time, never holding the whole file.
  public static func forEachChunk(of path: String, _ body: (UnsafeRawBufferPointer) -> Void) throws(FileSystemError) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw FileSystemError(path: path, operation: "open", code: errno) }
    defer { close(fd) }
    var buffer: [UInt8] = []
    while try readChunk(fd, path: path, into: &buffer) {
      buffer.withUnsafeBytes(body)
      buffer.removeAll(keepingCapacity: true)
    }
  }

  /// The names in a folder, without `.` and `..`; empty when it cannot be read.
  public static func contents(ofDirectory path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        raw.baseAddress.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? ""
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  /// Removes temp files that `AtomicFileWriter` left beside `path` when its process was killed
  /// before it could clean up. Files of processes still running are left alone.
  public static func removeStaleTempFiles(besides path: String) {
    removeStaleTempFiles(besides: [path])
  }

  /// The same for several files of one folder (a file and its `.bak`), in one pass over it.
  public static func removeStaleTempFiles(besides paths: [String]) {
    guard let first = paths.first else { return }
    let folder = Path.directory(of: first)
    let prefixes = paths.map { ".\(Path.lastComponent(of: $0))." }
    for name in contents(ofDirectory: folder) where name.hasSuffix(".tmp") {
      for prefix in prefixes where name.hasPrefix(prefix) {
        let middle = name.dropFirst(prefix.count).dropLast(4)
        guard let pidText = middle.split(separator: ".").first, let pid = Int32(pidText) else { continue }
        if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
          unlink(Path.join(folder, name))
        }
      }
    }
  }

  /// Copies a file's bytes to a new file atomically (used to keep `.bak` copies).
  public static func copy(_ from: String, to: String) throws(FileSystemError) {
    guard let file = try ReadOnlyFile(path: from) else {
      throw FileSystemError(path: from, operation: "read", code: ENOENT)
    }
    // A piece at a time: a large file is never held whole.
    var buffer = [UInt8](repeating: 0, count: min(1 << 22, max(file.size, 1)))
    try writeAtomically(to: to) { writer throws(FileSystemError) in
      var offset = 0
      while case let n = try file.read(at: offset, into: &buffer, buffer.indices), n > 0 {
        try writer.write(buffer, range: 0..<n)
        offset += n
      }
    }
  }

  /// Writes bytes to standard output or standard error without buffering surprises.
  public static func writeStandard(_ bytes: [UInt8], error: Bool = false) {
    if error {
      // Nowhere left to report a failed write to stderr.
      try? writeAll(2, bytes, path: "standard error")
      return
    }
    // Text `print` buffered goes first, so that the two kinds of output keep their order.
    flushStandardOutput()
    do throws(FileSystemError) { try writeAll(1, bytes, path: "standard output") } catch {
      standardOutputFailed(error.code)
    }
  }

  /// Flushes what `print` buffered; a failed write ends the process as `writeStandard` does.
  public static func flushStandardOutput() {
    if fflush(StandardStream.output) != 0 || ferror(StandardStream.output) != 0 {
      standardOutputFailed(errno == 0 ? EIO : errno)
    }
  }

  /// A write to standard output failed: a closed pipe ends the process by SIGPIPE, silently,
  /// as `cat` ends (when SIGPIPE was ignored and the write returned EPIPE); anything else
  /// (EIO, ENOSPC, /dev/full) is one line on stderr and exit status 1.
  public static func standardOutputFailed(_ code: Int32) -> Never {
    if code == EPIPE {
      signal(SIGPIPE, SIG_DFL)
      raise(SIGPIPE)
      _exit(141)
    }
    var reason = String(cString: strerror(code))
    if let first = reason.first { reason = first.lowercased() + reason.dropFirst() }
    try? writeAll(2, Array("project: cannot write to standard output: \(reason)\n".utf8), path: "standard error")
    // The stdio buffer holds the text that could not be written: drop it rather than have
    // exit() try again.
    _exit(1)
  }

  /// The absolute, symlink-free form of an existing path, or nil.
  public static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  public static func currentDirectory() -> String {
    guard let cwd = getcwd(nil, 0) else { return "/" }
    defer { free(cwd) }
    return String(cString: cwd)
  }

  public static func environment(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
  }

  /// Every variable of the process's environment (the first of two with one name).
  public static func environment() -> [String: String] {
    var variables: [String: String] = [:]
    var entry = environ
    while let pointer = entry.pointee {
      let text = String(cString: pointer)
      if let equals = text.utf8.firstIndex(of: UInt8(ascii: "=")) {
        let name = String(text[..<equals])
        if variables[name] == nil { variables[name] = String(text[text.index(after: equals)...]) }
      }
      entry += 1
    }
    return variables
  }

  public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

  /// The terminal's width in columns, or nil when standard output is not a terminal.
  public static func terminalWidth() -> Int? {
    if let columns = environment("COLUMNS").flatMap(Int.init), columns > 0 { return columns }
    var size = winsize()
    guard isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
  }

  /// Processors online now.
  public static var processorCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

  /// Milliseconds since 1970 from the real-time clock.
  public static func nowMilliseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
  }

  /// Seconds on a clock that never goes back, for measuring durations.
  public static func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
  }

  public static func sleep(milliseconds: Int) {
    var ts = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
    var remaining = timespec()
    while nanosleep(&ts, &remaining) != 0 && errno == EINTR { ts = remaining }
  }

  public static func randomHex(_ byteCount: Int) -> String {
    var generator = SystemRandomNumberGenerator()
    var text = ""
    for _ in 0..<byteCount {
      let byte = UInt8.random(in: 0...255, using: &generator)
      text += String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
    }
    return text
  }
}
