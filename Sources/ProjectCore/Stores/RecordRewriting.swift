/// A store that changes many of its records in one atomic step (`migrate`).
///
/// A store without it cannot be migrated; `migrate` says so and writes nothing to it.
public protocol RecordRewriting: RecordStore {
  /// Reads every stored record, in the default order, and writes back the records `change`
  /// returns, as one atomic step that other writers wait for: one transaction on a database,
  /// one rewrite of a file (which, when a record changes, first keeps the file as it was as
  /// `<file>.bak`). Each record returned replaces the stored one with its id: its fields and
  /// `updated_at` (`created_at` stays; an id not stored is `StoreError.notFound` and nothing is
  /// written); the records not returned keep their values and timestamps. In the same step, the
  /// store's indexes are brought in line with the manifest: those `staleIndexes()` names are
  /// dropped, missing ones created. When `change` throws, nothing is written: no record, no
  /// index, no copy. A store that does not exist yet gets `change([])` and stays as it is.
  func rewrite<T>(_ change: (_ records: [Record]) throws -> (changed: [Record], result: T)) throws -> T

  /// The indexes the store keeps that the manifest no longer asks for (a field gone from
  /// `indexes:` or no longer `unique`), by name; `rewrite` drops them.
  func staleIndexes() throws -> [String]
}
