/// What to do when an incoming record has the id of one already stored.
public enum ConflictPolicy: String, CaseIterable, Sendable {
  case fail, skip, overwrite
}

/// How many records a write added, updated and skipped.
public struct WriteSummary: Equatable, Sendable {
  public var added = 0
  public var updated = 0
  public var skipped = 0
  public init(added: Int = 0, updated: Int = 0, skipped: Int = 0) {
    self.added = added
    self.updated = updated
    self.skipped = skipped
  }
}

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

/// Why a store could not read or write.
public enum StoreError: ProjectError, Equatable {
  public var exitCode: Int32 { 1 }

  case notFound(ids: [String], location: String)
  case duplicateID(id: String, location: String)
  case uniqueViolation(field: String, value: String, existingID: String?, location: String)
  /// Two of the records being written hold the same value of a unique field.
  case uniqueViolationInInput(field: String, value: String, firstID: String, id: String)
  /// The file no longer parses; it is never overwritten while it is broken.
  case corruptFile(path: String, line: Int, column: Int, message: String)
  /// The file gives one id twice (`line`:`column` is the second one); treated as a broken file.
  case duplicateStoredID(path: String, id: String, firstLine: Int, firstColumn: Int, line: Int, column: Int)
  /// The store path, or a folder on the way to it, is a symlink to nothing; a write would
  /// replace the link with a file.
  case danglingSymlink(path: String, link: String, target: String)
  case invalidStoredRecord(location: String, id: String, message: String)
  case io(FileSystemError)
  /// A symlink takes the store outside the data folder.
  case outsideDataDirectory(path: String, resolved: String, dataDirectory: String)
  case database(message: String, sql: String?, location: String)
  /// Another process held the store's lock for longer than `PROJECT_LOCK_TIMEOUT`.
  case lockTimeout(location: String, seconds: Double)

  public var description: String {
    switch self {
    case .notFound(let ids, let location):
      let list = ids.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (ids.count > 5 ? " and \(ids.count - 5) more" : "")
      return "no record with id \(list) in \(location)"
    case .duplicateID(let id, let location):
      return "a record with id '\(id)' already exists in \(location)"
    case .uniqueViolation(let field, let value, let existingID, let location):
      return "\(field): the value \(value) is already used by " + (existingID.map { "record '\($0)'" } ?? "another record") + " in \(location); '\(field)' must be unique"
    case .uniqueViolationInInput(let field, let value, let firstID, let id):
      return "\(field): records '\(firstID)' and '\(id)' of the input both hold the value \(value); '\(field)' must be unique"
    case .corruptFile(let path, let line, let column, let message):
      return "\(Path.display(path)):\(line):\(column): \(message); the file is left as it is; fix it by hand or restore it"
    case .duplicateStoredID(let path, let id, let firstLine, let firstColumn, let line, let column):
      return "\(Self.duplicateMessage(path: Path.display(path), id: id, firstLine: firstLine, firstColumn: firstColumn, line: line, column: column)); the file is left as it is; fix it by hand or restore it"
    case .danglingSymlink(let path, let link, let target):
      if link == path {
        return "\(Path.display(path)) is a symlink to \(target), which does not exist; refusing to use it (a write would replace the link with a file)"
      }
      return "\(Path.display(path)): \(Path.display(link)) is a symlink to \(target), which does not exist; refusing to use it"
    case .invalidStoredRecord(let location, let id, let message):
      return "\(location): record '\(id)': \(message)"
    case .io(let error):
      return error.description
    case .outsideDataDirectory(let path, let resolved, let dataDirectory):
      return "\(Path.display(path)) leads to \(resolved), outside data_dir (\(Path.display(dataDirectory))), through a symlink; refusing to use it"
    case .database(let message, let sql, let location):
      return "\(location): \(message)" + (sql.map { " (in: \($0))" } ?? "")
    case .lockTimeout(let location, let seconds):
      return "\(location): \(LockTimeout.message(seconds: seconds))"
    }
  }
}

/// Checks shared by both stores: unique fields across a batch and the stored records.
enum UniqueCheck {
  /// A unique value as SQLite compares it: text by its bytes.
  enum Key: Hashable {
    case text(ByteString)
    case other(SQLScalar)
    init(_ scalar: SQLScalar) {
      if case .text(let text) = scalar { self = .text(ByteString(text)) } else { self = .other(scalar) }
    }
  }

  /// The first clash between `incoming` and `existing` (or within `incoming`) on a unique field.
  static func firstViolation(
    fields: [String], incoming: [Record], existing: some Sequence<Record>, replacing: Set<ByteString>, location: String
  ) -> StoreError? {
    guard !fields.isEmpty else { return nil }
    for field in fields {
      var owners: [Key: (id: String, incoming: Bool)] = [:]
      for record in existing where !replacing.contains(ByteString(record.id)) {
        let key = SQLScalar(record.fields[field])
        if !key.isNull { owners[Key(key)] = (record.id, false) }
      }
      for record in incoming {
        let scalar = SQLScalar(record.fields[field])
        if scalar.isNull { continue }
        let key = Key(scalar)
        if let owner = owners[key], ByteString(owner.id) != ByteString(record.id) {
          let value = ValueText.preview(record.fields[field] ?? .null)
          if owner.incoming { return .uniqueViolationInInput(field: field, value: value, firstID: owner.id, id: record.id) }
          return .uniqueViolation(field: field, value: value, existingID: owner.id, location: location)
        }
        owners[key] = (record.id, true)
      }
    }
    return nil
  }
}

/// "1 record", "2 records".
public enum Plural {
  public static func records(_ count: Int) -> String { count == 1 ? "1 record" : "\(count) records" }
}

extension StoreError {
  /// `file:line:column: the id ... (first at file:line:column)`, for store and import files.
  static func duplicateMessage(path: String, id: String, firstLine: Int, firstColumn: Int, line: Int, column: Int) -> String {
    "\(path):\(line):\(column): the id '\(id)' is given a second time (first at \(path):\(firstLine):\(firstColumn)); each id may appear only once"
  }

  /// Fails when `path`, or a folder on the way to it, is a symlink that leads nowhere (whatever
  /// `folder` is), or when symlinks take `path` outside `folder` (when there is a folder to
  /// stay in). Called before every read and write of a store.
  public static func checkConfinement(_ path: String, in folder: String?) throws(StoreError) {
    if let link = FileSystem.danglingSymlink(on: path) {
      throw StoreError.danglingSymlink(path: path, link: link, target: FileSystem.symlinkTarget(link) ?? "?")
    }
    guard let folder else { return }
    let resolved = Path.resolved(path)
    let root = Path.resolved(folder)
    if !Path.isInside(resolved, root) {
      throw StoreError.outsideDataDirectory(path: path, resolved: resolved, dataDirectory: folder)
    }
  }
}
