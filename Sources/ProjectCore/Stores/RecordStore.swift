/// One service's records in one backend. JSON files and SQLite implement it; so could a
/// database server, so nothing here names a file or a SQLite type.
///
/// Every write is all or nothing: it checks every record first and either applies all of them
/// or none, atomically with respect to other processes writing the same store.
public protocol RecordStore: AnyObject {
  var service: ServiceDefinition { get }
  /// Where the records live, for messages: a file, or a file and table.
  var location: String { get }

  /// The records matching the query, in its order.
  func list(_ query: RecordQuery) throws -> [Record]
  /// Calls `body` with each record `list` returns, in the same order; SQLite does so as it
  /// reads them, without holding them all.
  func forEach(_ query: RecordQuery, _ body: (Record) throws -> Void) throws
  func count(_ query: RecordQuery) throws -> Int
  /// The records with these ids, in the order asked; ids not stored are left out.
  func get(ids: [String]) throws -> [Record]
  func insert(_ records: [Record], onConflict: ConflictPolicy) throws -> WriteSummary
  /// Reads, changes and writes back one record as one atomic step, so that concurrent updates
  /// of different fields are never lost. `change` may throw to abandon the update.
  func update(id: String, _ change: (inout Record) throws -> Void) throws -> Record
  /// Changes every record that the query's filters match as one atomic step (one transaction,
  /// one rewrite of a file): `change` gets them all, in the default order, and returns those to
  /// write back, each one of them with its changes. It may throw to abandon the whole change:
  /// then nothing is written. Returns how many records were written.
  func update(matching query: RecordQuery, _ change: ([Record]) throws -> [Record]) throws -> Int
  /// Deletes exactly these ids, or nothing when any of them is not stored.
  func delete(ids: [String]) throws -> Int
  func delete(matching query: RecordQuery) throws -> Int
  /// When the store was last written, as milliseconds since 1970; nil when it does not exist.
  func lastModified() throws -> Int64?
}

extension RecordStore {
  public func forEach(_ query: RecordQuery, _ body: (Record) throws -> Void) throws {
    for record in try list(query) { try body(record) }
  }
}
