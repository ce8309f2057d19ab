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
      let list =
        ids.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (ids.count > 5 ? " and \(ids.count - 5) more" : "")
      return "no record with id \(list) in \(location)"
    case .duplicateID(let id, let location):
      return "a record with id '\(id)' already exists in \(location)"
    case .uniqueViolation(let field, let value, let existingID, let location):
      return "\(field): the value \(value) is already used by "
        + (existingID.map { "record '\($0)'" } ?? "another record") + " in \(location); '\(field)' must be unique"
    case .uniqueViolationInInput(let field, let value, let firstID, let id):
      return
        "\(field): records '\(firstID)' and '\(id)' of the input both hold the value \(value); '\(field)' must be unique"
    case .corruptFile(let path, let line, let column, let message):
      return
        "\(Path.display(path)):\(line):\(column): \(message); the file is left as it is; fix it by hand or restore it"
    case .duplicateStoredID(let path, let id, let firstLine, let firstColumn, let line, let column):
      return
        "\(Self.duplicateMessage(path: Path.display(path), id: id, firstLine: firstLine, firstColumn: firstColumn, line: line, column: column)); the file is left as it is; fix it by hand or restore it"
    case .danglingSymlink(let path, let link, let target):
      if link == path {
        return
          "\(Path.display(path)) is a symlink to \(target), which does not exist; refusing to use it (a write would replace the link with a file)"
      }
      return
        "\(Path.display(path)): \(Path.display(link)) is a symlink to \(target), which does not exist; refusing to use it"
    case .invalidStoredRecord(let location, let id, let message):
      return "\(location): record '\(id)': \(message)"
    case .io(let error):
      return error.description
    case .outsideDataDirectory(let path, let resolved, let dataDirectory):
      return
        "\(Path.display(path)) leads to \(resolved), outside data_dir (\(Path.display(dataDirectory))), through a symlink; refusing to use it"
    case .database(let message, let sql, let location):
      return "\(location): \(message)" + (sql.map { " (in: \($0))" } ?? "")
    case .lockTimeout(let location, let seconds):
      return "\(location): \(LockTimeout.message(seconds: seconds))"
    }
  }
}

extension StoreError {
  /// `file:line:column: the id ... (first at file:line:column)`, for store and import files.
  static func duplicateMessage(path: String, id: String, firstLine: Int, firstColumn: Int, line: Int, column: Int)
    -> String
  {
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
