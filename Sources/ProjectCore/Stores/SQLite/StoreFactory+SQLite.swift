extension StoreFactory {
  /// A SQLite store in the table and database file of `stores.sqlite`.
  static func sqliteStore(for service: ServiceDefinition) -> RecordStore {
    SQLiteStore(service: service)
  }

  /// The version of the SQLite library linked in.
  static var sqliteLibraryVersion: String { SQLiteDatabase.libraryVersion }
}
