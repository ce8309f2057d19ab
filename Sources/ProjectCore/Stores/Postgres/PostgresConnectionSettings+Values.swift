/// The values each key takes, and the sentence a bad one gets: `invalid <key> "<value>" in
/// <origin>: expected ...`, where the origin is the connection string or the environment variable.
extension PostgresConnectionSettings {
  static func sslMode(_ text: String, origin: String) throws(PostgresSettingsError) -> PostgresSSLMode {
    guard let mode = PostgresSSLMode(rawValue: text) else {
      throw invalid("sslmode", text, origin, expected: oneOf(PostgresSSLMode.allCases.map(\.rawValue)))
    }
    return mode
  }

  static func targetSessionAttributes(_ text: String, origin: String) throws(PostgresSettingsError)
    -> PostgresTargetSessionAttributes
  {
    guard let attributes = PostgresTargetSessionAttributes(rawValue: text) else {
      throw invalid(
        "target_session_attrs", text, origin, expected: oneOf(PostgresTargetSessionAttributes.allCases.map(\.rawValue)))
    }
    return attributes
  }

  /// Whole seconds; 0 waits as long as it takes, and 1 is taken as 2, libpq's least timeout.
  static func connectTimeout(_ text: String, origin: String) throws(PostgresSettingsError) -> Int {
    guard let seconds = Int(text), seconds >= 0, !text.hasPrefix("+") else {
      throw invalid("connect_timeout", text, origin, expected: "a whole number of seconds (0 for no limit)")
    }
    return seconds == 1 ? 2 : seconds
  }

  /// One port per host, comma-separated; an empty item is the default port (nil).
  static func ports(_ text: String, origin: String) throws(PostgresSettingsError) -> [Int?] {
    try text.split(separator: ",", omittingEmptySubsequences: false).map { (item) throws(PostgresSettingsError) in
      if item.isEmpty { return nil }
      guard let port = Int(item), (1...65535).contains(port), !item.hasPrefix("+") else {
        throw invalid("port", String(item), origin, expected: "a number from 1 to 65535")
      }
      return port
    }
  }

  /// Writes a warning to standard error as one line, `project: WARNING: ...`.
  public static func warnOnStandardError(_ text: String) {
    FileSystem.writeStandard(Array("project: \(text)\n".utf8), error: true)
  }

  private static func invalid(_ key: String, _ text: String, _ origin: String, expected: String) -> PostgresSettingsError {
    PostgresSettingsError("invalid \(key) \"\(text)\" in \(origin): expected \(expected)")
  }

  private static func oneOf(_ values: [String]) -> String {
    values.dropLast().joined(separator: ", ") + " or " + (values.last ?? "")
  }
}
