/// A store that this binary can copy into a backup folder (`backup`): the JSON file, the SQLite
/// database. A store without this ability (a database server) is listed as not included, with
/// the command that backs it up when it is `ExternallyBackedUp`.
public protocol BackupCopying: RecordStore {
  /// The file the copy is made of. Several stores may share it (the tables of one SQLite
  /// database): a backup copies each file once.
  var backupSource: String { get }

  /// Writes a consistent snapshot of `backupSource` to `destination`, a new file, and syncs it
  /// to disk. Writers of the store wait at most for the copy; nothing is written to the store.
  /// Returns false, writing nothing, when the store has never been written (no file yet).
  func copyForBackup(to destination: String) throws -> Bool
}

/// A store that this binary does not copy (a PostgreSQL table): `backup` names it as not
/// included, with the command that backs it up.
public protocol ExternallyBackedUp: RecordStore {
  /// A shell command that backs the store up, as an operator would run it (`pg_dump ...`).
  var backupCommand: String { get }
}
