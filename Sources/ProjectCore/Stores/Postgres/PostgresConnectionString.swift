/// A libpq connection string, parsed: a URI (`postgresql://user:password@host:port,host2/db?key=value`)
/// or `key=value` pairs (`host=a,b port=5432 dbname=x sslmode=require`). It holds what the text
/// gives, by libpq's key names; `PostgresConnectionSettings` adds the environment and the
/// defaults. Every value is checked here, so a bad one is refused before anything connects.
public struct PostgresConnectionString: Equatable, Sendable {
  /// The keys the client honours; `application_name` and `fallback_application_name` are taken
  /// and ignored.
  public static let keys: Set<String> = [
    "host", "port", "dbname", "user", "password", "passfile", "sslmode", "sslrootcert", "connect_timeout",
    "target_session_attrs", "application_name", "fallback_application_name",
  ]

  /// What the string gives, by key (`host` and `port` as comma-separated lists, one item per
  /// host). An empty value counts as not given.
  public private(set) var parameters: [String: String] = [:]

  static let origin = "the PostgreSQL connection string"

  /// The empty string: everything from the environment and the defaults.
  public init() {}

  /// Parses `text`, a URI (`postgresql://` or `postgres://`) or `key=value` pairs.
  public init(parsing text: String) throws(PostgresSettingsError) {
    if let rest = Self.uriBody(text) {
      try parseURI(rest)
    } else {
      try parsePairs(text)
    }
    for (key, value) in parameters { try Self.check(key: key, value: value, origin: Self.origin) }
  }

  /// Whether `text` gives a password (as `user:password@` in a URI, or a `password` key), so
  /// that a setting that must not hold secrets can refuse it. A string that does not parse
  /// gives none.
  public static func containsPassword(_ text: String) -> Bool {
    guard let string = try? PostgresConnectionString(parsing: text) else { return false }
    return string.parameters["password"] != nil
  }

  public var password: String? { parameters["password"] }

  // MARK: - URIs

  private static func uriBody(_ text: String) -> Substring? {
    for scheme in ["postgresql://", "postgres://"] where text.hasPrefix(scheme) {
      return text.dropFirst(scheme.count)
    }
    return nil
  }

  /// `[user[:password]@][host[:port][,...]][/dbname][?key=value&...]`, as libpq reads it.
  private mutating func parseURI(_ body: Substring) throws(PostgresSettingsError) {
    var rest = body
    // Credentials end at an "@" met before any "/"; a "/" or "@" in them must be percent-encoded.
    if let at = rest.firstIndex(where: { $0 == "@" || $0 == "/" }), rest[at] == "@" {
      let credentials = rest[..<at]
      rest = rest[rest.index(after: at)...]
      if let colon = credentials.firstIndex(of: ":") {
        try store("user", Self.decoded(credentials[..<colon]))
        try store("password", Self.decoded(credentials[credentials.index(after: colon)...]))
      } else {
        try store("user", Self.decoded(credentials))
      }
    }
    var hosts: [String] = []
    var ports: [String] = []
    while true {
      var host: Substring
      if rest.first == "[" {
        guard let close = rest.firstIndex(of: "]") else {
          throw PostgresSettingsError(
            "the PostgreSQL connection string has a \"[\" with no \"]\" closing its IPv6 address")
        }
        host = rest[rest.index(after: rest.startIndex)..<close]
        guard !host.isEmpty else {
          throw PostgresSettingsError("the PostgreSQL connection string has an empty IPv6 address \"[]\"")
        }
        rest = rest[rest.index(after: close)...]
      } else {
        let end = rest.firstIndex(where: { ":/?,".contains($0) }) ?? rest.endIndex
        host = rest[..<end]
        rest = rest[end...]
      }
      var port: Substring = ""
      if rest.first == ":" {
        rest = rest.dropFirst()
        let end = rest.firstIndex(where: { "/?,".contains($0) }) ?? rest.endIndex
        port = rest[..<end]
        rest = rest[end...]
      } else if let next = rest.first, !"/?,".contains(next) {
        throw PostgresSettingsError(
          "unexpected \"\(next)\" after host \"\(host)\" in the PostgreSQL connection string")
      }
      hosts.append(try Self.decoded(host))
      ports.append(try Self.decoded(port))
      guard rest.first == "," else { break }
      rest = rest.dropFirst()
    }
    if hosts.contains(where: { !$0.isEmpty }) || hosts.count > 1 { parameters["host"] = hosts.joined(separator: ",") }
    if ports.contains(where: { !$0.isEmpty }) { parameters["port"] = ports.joined(separator: ",") }
    if rest.first == "/" {
      rest = rest.dropFirst()
      let end = rest.firstIndex(of: "?") ?? rest.endIndex
      try store("dbname", Self.decoded(rest[..<end]))
      rest = rest[end...]
    }
    guard rest.first == "?" else { return }
    for pair in rest.dropFirst().split(separator: "&", omittingEmptySubsequences: true) {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      guard parts.count == 2, !parts[1].contains("=") else {
        throw PostgresSettingsError(
          "the parameter \"\(pair.prefix { $0 != "=" })\" in the PostgreSQL connection string needs one \"=\" and a value (key=value)"
        )
      }
      try store(Self.decoded(parts[0]), Self.decoded(parts[1]))
    }
  }

  /// Percent-decodes one part of a URI; `%00` and a `%` not followed by two hex digits are refused.
  private static func decoded(_ part: Substring) throws(PostgresSettingsError) -> String {
    guard part.contains("%") else { return String(part) }
    var bytes: [UInt8] = []
    let utf8 = Array(part.utf8)
    var index = 0
    while index < utf8.count {
      guard utf8[index] == UInt8(ascii: "%") else {
        bytes.append(utf8[index])
        index += 1
        continue
      }
      let hex = index + 2 < utf8.count ? String(decoding: utf8[index + 1...index + 2], as: UTF8.self) : ""
      guard let byte = UInt8(hex, radix: 16), hex.count == 2, !hex.hasPrefix("+"), byte != 0 else {
        let token = String(decoding: utf8[index..<min(index + 3, utf8.count)], as: UTF8.self)
        throw PostgresSettingsError(
          "invalid percent-encoding \"\(token)\" in the PostgreSQL connection string: expected % and two hex digits, not %00"
        )
      }
      bytes.append(byte)
      index += 3
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  // MARK: - key=value pairs

  /// `key = value` pairs separated by white space; a value in single quotes may hold white
  /// space, and a backslash takes the next character as it is (`\'`, `\\`), as libpq reads it.
  private mutating func parsePairs(_ text: String) throws(PostgresSettingsError) {
    var characters = Array(text)[...]
    func skipSpace() { while let first = characters.first, first.isWhitespace { characters.removeFirst() } }
    while true {
      skipSpace()
      guard !characters.isEmpty else { return }
      var key = ""
      while let first = characters.first, !first.isWhitespace, first != "=" {
        key.append(characters.removeFirst())
      }
      skipSpace()
      guard characters.first == "=" else {
        throw PostgresSettingsError("missing \"=\" after \"\(key)\" in the PostgreSQL connection string")
      }
      characters.removeFirst()
      skipSpace()
      var value = ""
      if characters.first == "'" {
        characters.removeFirst()
        while true {
          guard var next = characters.popFirst() else {
            throw PostgresSettingsError(
              "the value of \(key) in the PostgreSQL connection string opens a quote (') that is never closed")
          }
          if next == "'" { break }
          if next == "\\", let escaped = characters.popFirst() { next = escaped }
          value.append(next)
        }
      } else {
        while let first = characters.first, !first.isWhitespace {
          characters.removeFirst()
          if first == "\\", let escaped = characters.popFirst() {
            value.append(escaped)
          } else {
            value.append(first)
          }
        }
      }
      try store(key, value)
    }
  }

  // MARK: - Keys and values

  private mutating func store(_ key: String, _ value: String) throws(PostgresSettingsError) {
    if key == "hostaddr" {
      throw PostgresSettingsError(
        "hostaddr is not supported in the PostgreSQL connection string: give the address as host")
    }
    guard Self.keys.contains(key) else {
      throw PostgresSettingsError("unknown key \"\(key)\" in the PostgreSQL connection string")
    }
    parameters[key] = value.isEmpty ? nil : value
  }

  /// Checks one value of a key; `origin` says where it came from ("the PostgreSQL connection
  /// string", "PGSSLMODE").
  static func check(key: String, value: String, origin: String) throws(PostgresSettingsError) {
    switch key {
    case "port": _ = try PostgresConnectionSettings.ports((value, origin))
    case "sslmode": _ = try PostgresConnectionSettings.sslMode((value, origin))
    case "connect_timeout": _ = try PostgresConnectionSettings.connectTimeout((value, origin))
    case "target_session_attrs": _ = try PostgresConnectionSettings.targetSessionAttributes((value, origin))
    default: break
    }
  }
}
