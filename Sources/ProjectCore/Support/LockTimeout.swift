/// How long a writer waits for another process's lock before it gives up: the JSON store's
/// `flock` and SQLite's busy timeout alike. `PROJECT_LOCK_TIMEOUT` in seconds (a non-negative
/// number, fractions allowed), 30 when unset.
public enum LockTimeout {
  public static let variable = "PROJECT_LOCK_TIMEOUT"
  public static let defaultSeconds = 30.0

  /// A value of `PROJECT_LOCK_TIMEOUT` that is not a non-negative number (exit 2).
  public struct InvalidSetting: ProjectError {
    public var exitCode: Int32 { 2 }
    public var value: String
    public var description: String {
      "\(LockTimeout.variable) must be a number of seconds, 0 or more (such as 30 or 0.5), not '\(value)'"
    }
  }

  /// The setting's value: the default when unset or empty.
  public static func seconds(from text: String?) throws(InvalidSetting) -> Double {
    guard let text, !text.isEmpty else { return defaultSeconds }
    guard text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
      let value = Double(text), value.isFinite, value >= 0, value <= 86_400 * 365
    else { throw InvalidSetting(value: text) }
    return value
  }

  /// The setting of this process, read once.
  public static let configured: Result<Double, InvalidSetting> = Result { () throws(InvalidSetting) -> Double in
    try seconds(from: FileSystem.environment(variable))
  }

  /// The setting, or the default when it is invalid (`Main` refuses to run with an invalid one).
  public static var current: Double { (try? configured.get()) ?? defaultSeconds }

  /// Seconds as a person writes them: "30", "0.5".
  public static func text(_ seconds: Double) -> String {
    seconds == seconds.rounded() && seconds < 1e15 ? String(Int64(seconds)) : String(seconds)
  }

  /// What a command that waited in vain says, after the store's location; the same words for
  /// both stores, and in Documentation/Reliability.md.
  public static func message(seconds: Double) -> String {
    "still locked by another process after \(text(seconds)) s; nothing was written (\(variable) sets how long to wait)"
  }
}
