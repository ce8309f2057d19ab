import COpenSSL

extension StoreFactory {
  /// The OpenSSL linked in for the PostgreSQL client's TLS, for `--version`.
  static var postgresLibraryVersion: String {
    "OpenSSL " + String(cString: OpenSSL_version(OPENSSL_VERSION_STRING))
  }

  /// A PostgreSQL store in the table of `stores.postgres`. It connects on first use.
  static func postgresStore(for service: ServiceDefinition) -> RecordStore {
    PostgresStore(service: service)
  }
}
