#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Removes a half-written temp file when the process is interrupted (Ctrl-C, SIGTERM, SIGHUP)
/// before it could clean up after itself. A SIGKILL cannot be caught: the next write to the same
/// file removes what it left (`FileSystem.removeStaleTempFiles`).
public enum InterruptCleanup {
  /// The temp file to remove, as a C string the signal handler can use without allocating.
  nonisolated(unsafe) static var pending: UnsafeMutablePointer<CChar>?
  nonisolated(unsafe) static var installed = false

  /// Installs the handlers; call once at start-up.
  public static func install() {
    guard !installed else { return }
    installed = true
    pending = nil
    for sig in [SIGINT, SIGTERM, SIGHUP] {
      signal(sig) { sig in
        if let path = InterruptCleanup.pending { unlink(path) }
        signal(sig, SIG_DFL)
        raise(sig)
      }
    }
  }

  static func track(_ path: String?) {
    let old = pending
    pending = path.map { strdup($0) }
    free(old)
  }
}
