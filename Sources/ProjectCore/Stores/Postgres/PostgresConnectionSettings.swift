/// Everything needed to reach a PostgreSQL server, resolved as libpq resolves it: a value in
/// the connection string wins, else the environment (`PGHOST`, `PGPORT`, ...), else the
/// default. One `PostgresConfiguration` per host, in the order given, each with its own port
/// and password; `PostgresConnector` tries them in turn.
public struct PostgresConnectionSettings: Equatable, Sendable {
  /// Debian's folder for the server's Unix socket: the host when none is given.
  public static let defaultSocketDirectory = "/var/run/postgresql"
  public static let defaultPort = 5432
  public static let defaultConnectTimeoutSeconds = 10

  /// The environment variable for each key, as libpq names them.
  static let environmentNames: [String: String] = [
    "host": "PGHOST", "port": "PGPORT", "dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD",
    "passfile": "PGPASSFILE", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
    "connect_timeout": "PGCONNECT_TIMEOUT", "target_session_attrs": "PGTARGETSESSIONATTRS",
  ]

  /// The hosts to try, in order.
  public var servers: [PostgresConfiguration]
  public var targetSessionAttributes: PostgresTargetSessionAttributes

  public init(servers: [PostgresConfiguration], targetSessionAttributes: PostgresTargetSessionAttributes = .any) {
    self.servers = servers
    self.targetSessionAttributes = targetSessionAttributes
  }

  /// Parses `url` (nil: the empty string) and resolves it; see `init(_:environment:warn:)`.
  public init(url: String?, environment: [String: String], warn: (String) -> Void = warnOnStandardError)
    throws(PostgresSettingsError)
  {
    try self.init(
      url.map { (text) throws(PostgresSettingsError) in try PostgresConnectionString(parsing: text) }
        ?? PostgresConnectionString(), environment: environment, warn: warn)
  }

  /// Resolves `string` against `environment` (the process's, from the caller; a test's own)
  /// and the defaults. Without a password in the string or `PGPASSWORD`, each host's comes
  /// from the password file (`passfile`, `PGPASSFILE` or `~/.pgpass`); a password file that
  /// group or others may access is ignored, and `warn` says so in libpq's words.
  public init(
    _ string: PostgresConnectionString, environment: [String: String],
    warn: (String) -> Void = warnOnStandardError
  ) throws(PostgresSettingsError) {
    func value(_ key: String) -> Setting? {
      if let text = string.parameters[key] { return (text, PostgresConnectionString.origin) }
      guard let name = Self.environmentNames[key], let text = environment[name], !text.isEmpty else { return nil }
      return (text, name)
    }
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? UserAccount.homeDirectory
    guard let user = value("user")?.text ?? UserAccount.name else {
      throw PostgresSettingsError(
        "the operating system names no user for this process; give user in the PostgreSQL connection string or PGUSER")
    }
    let database = value("dbname")?.text ?? user
    let sslMode = try value("sslmode").map(Self.sslMode) ?? .prefer
    var rootCertificate = value("sslrootcert")?.text
    if rootCertificate == nil && sslMode.verifiesCertificate, let home {
      rootCertificate = home + "/.postgresql/root.crt"
    }
    let timeout = try value("connect_timeout").map(Self.connectTimeout) ?? Self.defaultConnectTimeoutSeconds
    targetSessionAttributes = try value("target_session_attrs").map(Self.targetSessionAttributes) ?? .any

    let hostValue = value("host")
    let hosts =
      hostValue.map { $0.text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? [""]
    let portValue = value("port")
    var ports = try portValue.map(Self.ports) ?? [nil]
    if ports.count == 1 { ports = Array(repeating: ports[0], count: hosts.count) }
    if let portValue, ports.count != hosts.count {
      let hostsGiven =
        hostValue.map { "\(hosts.count) hosts in \($0.origin) (\"\($0.text)\")" } ?? "the one default host"
      throw PostgresSettingsError(
        "\(ports.count) ports in \(portValue.origin) (\"\(portValue.text)\") for \(hostsGiven): give one port for all hosts, or one per host"
      )
    }

    let givenPassword = value("password")?.text
    var passwordFile: PostgresPasswordFile?
    if givenPassword == nil, let path = value("passfile")?.text ?? home.map({ $0 + "/.pgpass" }) {
      passwordFile = PostgresPasswordFile(path: path, warn: warn)
    }
    servers = zip(hosts, ports).map { host, port in
      let port = port ?? Self.defaultPort
      let folder = host.isEmpty ? Self.defaultSocketDirectory : host.hasPrefix("/") ? host : nil
      // As libpq: a socket in the default folder is "localhost" in the password file; another
      // folder is its path.
      let passwordHost = folder.map { $0 == Self.defaultSocketDirectory ? "localhost" : $0 } ?? host
      return PostgresConfiguration(
        host: folder == nil ? host : "localhost", port: port, unixSocketDirectory: folder, user: user,
        password: givenPassword
          ?? passwordFile?.password(host: passwordHost, port: port, database: database, user: user),
        database: database, sslMode: sslMode, sslRootCertificate: rootCertificate, connectTimeoutSeconds: timeout)
    }
  }
}
