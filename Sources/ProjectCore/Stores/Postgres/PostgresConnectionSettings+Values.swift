/// The values each key takes, and the sentence a bad one gets: `invalid <key> "<value>" in
/// <origin>: expected ...`, where the origin is the connection string or the environment variable.
extension PostgresConnectionSettings {
  /// A value as given, and where: "the PostgreSQL connection string", or the variable's name.
  typealias Setting = (text: String, origin: String)

  static func sslMode(_ value: Setting) throws(PostgresSettingsError) -> PostgresSSLMode {
    guard let mode = PostgresSSLMode(rawValue: value.text) else {
      throw invalid("sslmode", value, expected: oneOf(PostgresSSLMode.allCases.map(\.rawValue)))
    }
    return mode
  }

  static func targetSessionAttributes(_ value: Setting) throws(PostgresSettingsError)
    -> PostgresTargetSessionAttributes
  {
    guard let attributes = PostgresTargetSessionAttributes(rawValue: value.text) else {
      throw invalid(
        "target_session_attrs", value, expected: oneOf(PostgresTargetSessionAttributes.allCases.map(\.rawValue)))
    }
    return attributes
  }

  /// Whole seconds; 0 waits as long as it takes, and 1 is taken as 2, libpq's least timeout.
  static func connectTimeout(_ value: Setting) throws(PostgresSettingsError) -> Int {
    guard let seconds = Int(value.text), seconds >= 0, !value.text.hasPrefix("+") else {
      throw invalid("connect_timeout", value, expected: "a whole number of seconds (0 for no limit)")
    }
    return seconds == 1 ? 2 : seconds
  }

  /// One port per host, comma-separated; an empty item is the default port (nil).
  static func ports(_ value: Setting) throws(PostgresSettingsError) -> [Int?] {
    try value.text.split(separator: ",", omittingEmptySubsequences: false).map { (item) throws(PostgresSettingsError) in
      if item.isEmpty { return nil }
      guard let port = Int(item), (1...65535).contains(port), !item.hasPrefix("+") else {
        throw invalid("port", (String(item), value.origin), expected: "a number from 1 to 65535")
      }
      return port
    }
  }

  /// Writes a warning to standard error as one line, `project: WARNING: ...`.
  public static func warnOnStandardError(_ text: String) {
    FileSystem.writeStandard(Array("project: \(text)\n".utf8), error: true)
  }

  private static func invalid(_ key: String, _ value: Setting, expected: String)
    -> PostgresSettingsError
  {
    PostgresSettingsError("invalid \(key) \"\(value.text)\" in \(value.origin): expected \(expected)")
  }

  private static func oneOf(_ values: [String]) -> String {
    values.dropLast().joined(separator: ", ") + " or " + (values.last ?? "")
  }
}
