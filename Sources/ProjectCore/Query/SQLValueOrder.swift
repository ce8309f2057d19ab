/// SQLite's view of a JSON value: what `json_extract` returns for it, and how SQLite compares
/// such values. The in-memory evaluator uses this so that both stores agree to the byte.
///
/// `json_extract` gives NULL for null or missing values, 1 or 0 for booleans, INTEGER or REAL
/// for numbers, TEXT for strings and the compact JSON text for arrays and objects. SQLite orders
/// NULL before numbers before text, compares numbers by value across INTEGER and REAL, and text
/// byte by byte (the BINARY collation).
public enum SQLScalar: Sendable, Hashable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)

  public init(_ value: JSONValue?) {
    switch value {
    case nil, .null?: self = .null
    case .bool(let b)?: self = .integer(b ? 1 : 0)
    case .integer(let i)?: self = .integer(i)
    case .double(let d)?: self = .real(d)
    case .string(let s)?: self = .text(s)
    case let other?: self = .text(JSONWriter.string(other))
    }
  }

  var typeRank: Int {
    switch self {
    case .null: 0
    case .integer, .real: 1
    case .text: 2
    }
  }

  /// SQLite's ordering: negative, zero or positive. NULLs are equal to each other and first.
  public static func compare(_ a: SQLScalar, _ b: SQLScalar) -> Int {
    if a.typeRank != b.typeRank { return a.typeRank < b.typeRank ? -1 : 1 }
    switch (a, b) {
    case (.null, .null): return 0
    case (.integer(let x), .integer(let y)): return x < y ? -1 : (x > y ? 1 : 0)
    case (.real(let x), .real(let y)): return x < y ? -1 : (x > y ? 1 : 0)
    case (.integer(let x), .real(let y)): return compare(x, y)
    case (.real(let x), .integer(let y)): return -compare(y, x)
    case (.text(let x), .text(let y)): return ByteString.compare(x, y)
    default: return 0
    }
  }

  /// An exact comparison of an integer with a double, as SQLite makes it.
  static func compare(_ i: Int64, _ d: Double) -> Int {
    if d < -9223372036854775808.0 { return 1 }
    if d >= 9223372036854775808.0 { return -1 }
    let truncated = Int64(d)
    if i < truncated { return -1 }
    if i > truncated { return 1 }
    let fraction = d - Double(truncated)
    return fraction > 0 ? -1 : (fraction < 0 ? 1 : 0)
  }
}
