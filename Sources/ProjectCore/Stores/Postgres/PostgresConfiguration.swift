/// Where and as whom a `PostgresConnection` connects.
public struct PostgresConfiguration: Equatable, Sendable {
  /// A host name or address for TCP.
  public var host: String
  public var port: Int
  /// The folder holding the server's Unix socket (`.s.PGSQL.<port>`); when set, the client
  /// connects there instead of to `host`.
  public var unixSocketDirectory: String?
  public var user: String
  public var password: String?
  public var database: String
  public var sslMode: PostgresSSLMode
  /// The CA certificates (PEM) that verify-ca and verify-full check the server's certificate with.
  public var sslRootCertificate: String?
  public var connectTimeoutSeconds: Int

  public init(
    host: String = "localhost", port: Int = 5432, unixSocketDirectory: String? = nil, user: String,
    password: String? = nil, database: String, sslMode: PostgresSSLMode = .prefer, sslRootCertificate: String? = nil,
    connectTimeoutSeconds: Int = 10
  ) {
    self.host = host
    self.port = port
    self.unixSocketDirectory = unixSocketDirectory
    self.user = user
    self.password = password
    self.database = database
    self.sslMode = sslMode
    self.sslRootCertificate = sslRootCertificate
    self.connectTimeoutSeconds = connectTimeoutSeconds
  }

  var unixSocketPath: String? { unixSocketDirectory.map { $0 + "/.s.PGSQL.\(port)" } }

  /// How error messages name the server: `postgres://host:port`, or the socket's path.
  public var endpoint: String { unixSocketPath ?? "postgres://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}
