/// Names that are safe to use unquoted in SQL and in file names.
public enum Identifier {
  public static let maximumLength = 64
  /// Names the record itself uses; a schema may not declare them as fields.
  public static let reserved: Set<String> = ["id", "created_at", "updated_at"]

  public static func isSafe(_ name: String) -> Bool {
    name.utf8.count <= maximumLength && isSafeText(name)
  }

  /// Letters, digits and '_', starting with a letter or '_'; any length but zero.
  public static func isSafeText(_ name: String) -> Bool {
    guard let first = name.utf8.first else { return false }
    guard first == UInt8(ascii: "_") || isLetter(first) else { return false }
    return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || isDigit($0) }
  }

  /// The longest `app`: it names the database file `<app>.db`, well inside the file system's
  /// 255-byte limit on a name.
  public static let maximumFileNameLength = 128

  public static func isSafeFileName(_ name: String) -> Bool {
    name.utf8.count <= maximumFileNameLength && isSafeFileNameText(name)
  }

  /// Letters, digits, '_', '-' and '.', not starting with '.'; any length but zero.
  public static func isSafeFileNameText(_ name: String) -> Bool {
    guard let first = name.utf8.first, first != UInt8(ascii: ".") else { return false }
    return name.utf8.allSatisfy {
      isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
    }
  }

  /// SQLite's own tables are named `sqlite_...` in any case; it refuses to create or write others.
  public static func isReservedBySQLite(_ table: String) -> Bool {
    table.utf8.count >= 7 && table.lowercased().hasPrefix("sqlite_")
  }

  static func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
  static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
}
