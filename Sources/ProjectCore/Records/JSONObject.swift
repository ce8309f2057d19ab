/// A JSON object that remembers the order in which its keys were first set.
///
/// Stored as an array of pairs: records have a handful of keys, and a linear scan over them
/// beats hashing every key. Objects with many keys (a store file's map of records) are built
/// once by the reader and then iterated, not looked up.
public struct JSONObject: Hashable, Sendable, Sequence {
  public typealias Pair = (key: String, value: JSONValue)
  public private(set) var pairs: [Pair] = []

  public init() {}

  public init(_ pairs: [(String, JSONValue)]) {
    for (key, value) in pairs { self[key] = value }
  }

  /// Takes pairs whose keys are known to be distinct, without checking them.
  init(distinctPairs: [Pair]) { pairs = distinctPairs }

  public var count: Int { pairs.count }
  public var isEmpty: Bool { pairs.isEmpty }
  public var keys: [String] { pairs.map(\.key) }

  /// Whether two keys are equal: the same UTF-8 bytes, as JSON and SQLite's `json_extract`
  /// compare them (`==` would also join canonically equivalent spellings, such as KELVIN SIGN
  /// and "K").
  @inline(__always)
  public static func sameKey(_ a: String, _ b: String) -> Bool {
    ByteString(a) == ByteString(b)
  }

  @inline(__always)
  func index(of key: String) -> Int? {
    for i in pairs.indices where Self.sameKey(pairs[i].key, key) { return i }
    return nil
  }

  public subscript(key: String) -> JSONValue? {
    get { index(of: key).map { pairs[$0].value } }
    set {
      if let i = index(of: key) {
        if let newValue { pairs[i].value = newValue } else { pairs.remove(at: i) }
      } else if let newValue {
        pairs.append((key, newValue))
      }
    }
  }

  public func makeIterator() -> IndexingIterator<[Pair]> { pairs.makeIterator() }

  /// Equality ignores key order, as JSON does.
  public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
    guard lhs.pairs.count == rhs.pairs.count else { return false }
    for (i, pair) in lhs.pairs.enumerated() {
      // Same position first: objects compared are usually in the same order.
      if i < rhs.pairs.count, Self.sameKey(rhs.pairs[i].key, pair.key) {
        if rhs.pairs[i].value != pair.value { return false }
      } else if rhs[pair.key] != pair.value {
        return false
      }
    }
    return true
  }

  /// Order-independent, to agree with `==`.
  public func hash(into hasher: inout Hasher) {
    var combined = 0
    for pair in pairs {
      var pairHasher = Hasher()
      pairHasher.combine(pair.key)
      pairHasher.combine(pair.value)
      combined ^= pairHasher.finalize()
    }
    hasher.combine(pairs.count)
    hasher.combine(combined)
  }

  /// Sets the value at a dotted path, creating intermediate objects; fails when a step is not an object.
  public mutating func set(_ value: JSONValue?, at path: FieldPath) -> Bool {
    guard let first = path.components.first else { return false }
    if path.components.count == 1 {
      self[first] = value
      return true
    }
    var child: JSONObject
    switch self[first] {
    case nil, .null?: child = JSONObject()
    case .object(let existing)?: child = existing
    default: return false
    }
    guard child.set(value, at: path.dropFirst()) else { return false }
    self[first] = .object(child)
    return true
  }
}
