#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Waits between attempts to take something another process holds: 1 ms, doubling up to 50 ms,
/// until a deadline.
struct Backoff {
  let deadline: Double
  var pause = 1

  init(seconds: Double) { deadline = FileSystem.monotonicSeconds() + seconds }

  /// Sleeps before the next attempt; false, without sleeping, once the deadline has passed.
  mutating func wait() -> Bool {
    guard FileSystem.monotonicSeconds() < deadline else { return false }
    FileSystem.sleep(milliseconds: pause)
    pause = min(pause * 2, 50)
    return true
  }
}
