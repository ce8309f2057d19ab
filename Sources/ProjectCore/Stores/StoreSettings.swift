/// Where each backend keeps one service's records, as the manifest's `stores:` gives them.
/// `StoreFactory` hands each backend its own part.
public struct StoreSettings: Equatable, Sendable {
  /// A store in one file (`stores.json`).
  public struct File: Equatable, Sendable {
    /// Absolute path of the file.
    public var path: String
    /// The folder the file must stay inside after symlinks are followed: the data folder for a
    /// relative path in the manifest, nil for an absolute one.
    public var confinement: String?

    public init(path: String, confinement: String? = nil) {
      self.path = path
      self.confinement = confinement
    }
  }

  /// A store in one table of a database file (`stores.sqlite`).
  public struct Table: Equatable, Sendable {
    /// Absolute path of the database file.
    public var path: String
    public var table: String
    /// As `File.confinement`, for the database file.
    public var confinement: String?

    public init(path: String, table: String, confinement: String? = nil) {
      self.path = path
      self.table = table
      self.confinement = confinement
    }
  }

  /// A store in one table on a database server (`stores.postgres`, with the manifest's
  /// `postgres.url`).
  public struct Server: Equatable, Sendable {
    /// The manifest's connection string; `$PROJECT_POSTGRES_URL` and the libpq environment
    /// variables take their part when the store connects.
    public var url: String?
    public var schema: String
    public var table: String

    public init(url: String?, schema: String = "public", table: String) {
      self.url = url
      self.schema = schema
      self.table = table
    }
  }

  public var json: File
  public var sqlite: Table
  /// Nil when the manifest names no PostgreSQL server.
  public var postgres: Server?

  public init(json: File, sqlite: Table, postgres: Server? = nil) {
    self.json = json
    self.sqlite = sqlite
    self.postgres = postgres
  }
}
