/// A libpq password file (`~/.pgpass`): lines `host:port:database:user:password`, where a field
/// that is `*` matches anything, `\:` and `\\` stand for `:` and `\`, and lines starting with
/// `#` are comments. The first line that matches gives the password.
struct PostgresPasswordFile {
  /// Each line's five fields; nil for a `*` (any value).
  private var entries: [[String?]] = []

  /// Reads `path`. A file that is missing or unreadable gives no password, as with libpq; one
  /// that is not a plain file, or that group or others may access, gives none either, and
  /// `warn` says why in libpq's words.
  init(path: String, warn: (String) -> Void) {
    guard let mode = FileSystem.mode(path) else { return }
    guard mode.isRegularFile else {
      warn("WARNING: password file \"\(path)\" is not a plain file")
      return
    }
    guard mode.permissions & 0o077 == 0 else {
      warn(
        "WARNING: password file \"\(path)\" has group or world access; permissions should be u=rw (0600) or less")
      return
    }
    guard let bytes = try? FileSystem.read(path) else { return }
    entries = Self.entries(String(decoding: bytes, as: UTF8.self))
  }

  /// Parses the text of a password file.
  init(text: String) { entries = Self.entries(text) }

  private static func entries(_ text: String) -> [[String?]] {
    var entries: [[String?]] = []
    for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
      if line.hasPrefix("#") { continue }
      if let entry = fields(line) { entries.append(entry) }
    }
    return entries
  }

  /// The password of the first line matching all four values, or nil.
  func password(host: String, port: Int, database: String, user: String) -> String? {
    let wanted = [host, String(port), database, user]
    for entry in entries where zip(entry, wanted).allSatisfy({ $0 == nil || $0 == $1 }) {
      return entry[4]
    }
    return nil
  }

  /// The four fields and the password (the rest of the line), unescaped; nil for a line with
  /// fewer than five fields.
  private static func fields(_ line: Substring) -> [String?]? {
    var fields: [String?] = []
    var current = ""
    var isWildcard = false  // the field so far is one "*", not escaped
    var escaped = false
    for character in line {
      if fields.count < 4 && character == ":" && !escaped {
        fields.append(isWildcard ? nil : current)
        current = ""
        isWildcard = false
      } else if character == "\\" && !escaped {
        escaped = true
      } else {
        isWildcard = current.isEmpty && character == "*" && !escaped
        escaped = false
        current.append(character)
      }
    }
    guard fields.count == 4 else { return nil }
    fields.append(current)
    return fields
  }
}
