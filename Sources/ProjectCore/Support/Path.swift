/// Lexical path arithmetic on POSIX path strings.
public enum Path {
  public static func isAbsolute(_ path: String) -> Bool { path.hasPrefix("/") }

  public static func join(_ base: String, _ relative: String) -> String {
    if isAbsolute(relative) || base.isEmpty { return relative }
    return base.hasSuffix("/") ? base + relative : base + "/" + relative
  }

  /// Removes `.` and empty components and folds `..` into its parent where it can.
  public static func normalize(_ path: String) -> String {
    if isNormal(path) { return path }
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      if part == "." { continue }
      if part == "..", let last = parts.last, last != ".." {
        parts.removeLast()
        continue
      }
      if part == ".." && isAbsolute(path) { continue }
      parts.append(part)
    }
    let joined = parts.joined(separator: "/")
    return isAbsolute(path) ? "/" + joined : (joined.isEmpty ? "." : joined)
  }

  /// Whether `normalize` gives `path` back as it is: not empty, and no empty, `.` or `..`
  /// component. Read as bytes, which costs far less than splitting the text into characters
  /// (a manifest resolves two store paths per service).
  static func isNormal(_ path: String) -> Bool {
    let slash = UInt8(ascii: "/")
    let dot = UInt8(ascii: ".")
    if path == "/" { return true }
    var length = 0
    var onlyDots = true
    var isFirst = true
    for byte in path.utf8 {
      defer { isFirst = false }
      if byte != slash {
        length += 1
        onlyDots = onlyDots && byte == dot
        continue
      }
      if isFirst { continue }
      if length == 0 || (onlyDots && length <= 2) { return false }
      length = 0
      onlyDots = true
    }
    return length > 0 && !(onlyDots && length <= 2)
  }

  public static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
  }

  public static func lastComponent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }

  /// Whether `path` is `folder` or lies inside it (both normalized, absolute).
  public static func isInside(_ path: String, _ folder: String) -> Bool {
    path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
  }

  /// Where a path leads once symlinks are followed, for the part of it that exists; the rest is
  /// appended as written.
  public static func resolved(_ path: String) -> String {
    var existing = normalize(path)
    var rest: [String] = []
    while !FileSystem.exists(existing) && existing != "/" && existing != "." {
      rest.insert(lastComponent(of: existing), at: 0)
      existing = directory(of: existing)
    }
    let real = FileSystem.realPath(existing) ?? existing
    return rest.isEmpty ? real : normalize(join(real, rest.joined(separator: "/")))
  }

  /// `path` relative to the current folder when it lies inside it, for shorter messages.
  public static func display(_ path: String) -> String {
    let cwd = FileSystem.currentDirectory()
    if cwd != "/" && isInside(path, cwd) && path != cwd { return String(path.dropFirst(cwd.count + 1)) }
    return path
  }
}
