#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

extension FileSystem {
  /// What `stat` says of a path (symlinks followed): whether it is a regular file, and its
  /// permission bits.
  public struct FileMode: Equatable, Sendable {
    public var isRegularFile: Bool
    /// The permission bits (`0o600`...), without the file type.
    public var permissions: UInt32
  }

  /// The mode of `path`, or nil when `stat` fails (no such file, no permission).
  public static func mode(_ path: String) -> FileMode? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return FileMode(isRegularFile: (info.st_mode & S_IFMT) == S_IFREG, permissions: UInt32(info.st_mode) & 0o7777)
  }
}
