#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The account the process runs as (its effective user id), from the password database.
public enum UserAccount {
  /// The effective user's login name, or nil when the password database has no entry for it.
  public static var name: String? { entry { String(cString: $0.pw_name) } }

  /// The effective user's home folder from the password database (not `$HOME`), or nil.
  public static var homeDirectory: String? { entry { String(cString: $0.pw_dir) } }

  private static func entry(_ field: (passwd) -> String) -> String? {
    var record = passwd()
    var found: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 4096)
    while true {
      let status = getpwuid_r(geteuid(), &record, &buffer, buffer.count, &found)
      if status == ERANGE && buffer.count < 1 << 20 {
        buffer = [CChar](repeating: 0, count: buffer.count * 4)
        continue
      }
      guard status == 0, found != nil else { return nil }
      return field(record)
    }
  }
}
