#if canImport(Glibc)
  @preconcurrency import Glibc
#elseif canImport(Musl)
  @preconcurrency import Musl
#endif

/// The C library's `stdout`, which `print` writes through. Read once at start-up; the stream
/// itself is only used from the main thread.
enum StandardStream {
  nonisolated(unsafe) static let output = stdout
}
