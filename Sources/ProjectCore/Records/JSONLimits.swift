/// The limits that JSON text and records live by, in one place: the reader enforces them on
/// every document it reads, and schema validation on every record `add`, `update` and `import`
/// accept, so that nothing a command writes is refused when it is read back.
///
/// Levels count open objects and arrays: `{}` is one level, `{"a": [1]}` two. A record's own
/// object is its first level, so a field holding an object adds one more.
public enum JSONLimits {
  /// The nesting the reader accepts in any document (store files, `--json`, import files,
  /// SQLite's `data` column). Past it, reading stops with "nesting deeper than 512 levels".
  public static let readerDepth = 512

  /// The most levels that a file holding records wraps around each one: the map of the JSON
  /// store file and of a JSON export (`{ "<id>": record }`), and the array of a JSON import
  /// file or of `list -o json` (`[record]`), one level each. An NDJSON line, a CSV cell and
  /// SQLite's `data` column wrap none.
  public static let wrapperLevels = 1

  /// The levels a record may have, its own object included: what the reader accepts less what
  /// the files around it take. Deeper records are refused by schema validation, naming the
  /// field and this number.
  public static let recordDepth = readerDepth - wrapperLevels

  /// The levels of `value` (0 for a scalar, 1 for `[]` or `{}`, 2 for `[[]]`), found only up
  /// to `limit`: past it, some number above `limit`.
  public static func levels(of value: JSONValue, limit: Int) -> Int {
    var deepest = 0
    switch value {
    case .array(let items):
      if limit < 1 { return 1 }
      deepest = 1
      for item in items {
        deepest = max(deepest, 1 + levels(of: item, limit: limit - 1))
        if deepest > limit { break }
      }
    case .object(let object):
      if limit < 1 { return 1 }
      deepest = 1
      for (_, item) in object {
        deepest = max(deepest, 1 + levels(of: item, limit: limit - 1))
        if deepest > limit { break }
      }
    default: break
    }
    return deepest
  }
}
