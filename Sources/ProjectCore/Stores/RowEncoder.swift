/// The short way from one record's text (an NDJSON line, a record of a store file or of an
/// array) to its database row (`PreparedRows`), for the records imports mostly hold; SQLite and
/// PostgreSQL load the same rows.
///
/// The general way parses the record into a `JSONValue` tree, builds a `Record`, validates it
/// and writes its fields back out as JSON: most of an import's reading thread went into
/// building and freeing those trees. This encoder reads the text once and writes the row's
/// `data` text as it goes (fields in schema order, compact), checking each value against its
/// spec on the way. It either appends exactly the row the general way would make, or appends
/// nothing and returns false; the record then takes the general way, which also words every
/// error. So it may decline anything it is unsure of: escapes in strings, numbers it cannot
/// show are already in their shortest form, unknown or repeated keys, a missing id, a
/// timestamp that is not plain RFC 3339, anything invalid. A value it has no short way for
/// (a date, a pattern, a free-form value) is parsed, checked and written by the general code,
/// for that value alone. Tests and the JSON fuzzer hold both ways to the same bytes. It reads
/// with the steps of a `JSONCursor`; a step that fails is an answer of false.
public struct RowEncoder: BulkRowEncoder {
  /// A field spec, with what the encoder needs to check values of it quickly.
  final class Spec {
    enum Kind {
      case string(nonEmpty: Bool)
      case enumeration([[UInt8]])
      case integer, number, boolean
      case array(Spec)
      case object(Shape)
      /// Parsed, checked and written by the general code.
      case general
    }
    let spec: FieldSpec
    let kind: Kind

    init(_ spec: FieldSpec) {
      self.spec = spec
      switch spec.type {
      case .string where spec.pattern == nil && spec.maxLength == nil && (spec.minLength ?? 0) <= 1:
        // Longer minimums count characters (grapheme clusters): the general code does that.
        kind = .string(nonEmpty: spec.minLength == 1)
      case .enumeration(let values): kind = .enumeration(values.map { Array($0.utf8) })
      case .integer: kind = .integer
      case .number: kind = .number
      case .boolean: kind = .boolean
      case .array(let items): kind = .array(Spec(items))
      case .object(let nested): kind = Shape(nested).map(Kind.object) ?? .general
      default: kind = .general
      }
    }
  }

  /// An object schema: field names as bytes, and each field's key as the writer writes it.
  final class Shape {
    let names: [[UInt8]]
    let keys: [[UInt8]]
    let specs: [Spec]
    let required: UInt64

    /// Nil past 64 fields (a bit per field tracks which came).
    init?(_ schema: ObjectSchema) {
      guard schema.fields.count <= 64 else { return nil }
      names = schema.fields.map { Array($0.name.utf8) }
      keys = schema.fields.map { field in
        var key: [UInt8] = []
        JSONWriter.writeString(field.name, to: &key)
        key.append(UInt8(ascii: ":"))
        return key
      }
      specs = schema.fields.map { Spec($0.spec) }
      var required: UInt64 = 0
      for (i, field) in schema.fields.enumerated() where field.spec.required { required |= 1 << UInt64(i) }
      self.required = required
    }

    @inline(__always)
    func field(named key: UnsafeBufferPointer<UInt8>) -> Int? {
      for i in names.indices where JSONCursor.equal(names[i], key) { return i }
      return nil
    }
  }

  let shape: Shape
  let validator: SchemaValidator
  let now: [UInt8]
  var cursor = JSONCursor(UnsafeBufferPointer(start: nil, count: 0))
  var bytes: UnsafeBufferPointer<UInt8> { cursor.bytes }
  var i: Int {
    @inline(__always) get { cursor.index }
    @inline(__always) set { cursor.index = newValue }
  }
  /// The `data` text being written.
  var out: [UInt8] = []
  /// (field, start, end) of each member written, for the objects being read.
  var members: [Int] = []
  var id: Range<Int>?
  var createdAt: Range<Int>?
  var updatedAt: Range<Int>?

  /// Nil for services whose ids come from a field (the general way checks the two agree).
  public init?(service: RecordService, now: String) {
    if case .field = service.definition.idStrategy { return nil }
    guard let shape = Shape(service.definition.schema) else { return nil }
    self.shape = shape
    self.validator = service.validator
    self.now = Array(now.utf8)
    out.reserveCapacity(1024)
  }

  static let idKey = Array("id".utf8)
  static let createdKey = Array("created_at".utf8)
  static let updatedKey = Array("updated_at".utf8)

  /// Appends the row of one record object (an NDJSON line, an element of an array, or a record
  /// of a store file filed under `key`) to `rows`; false, with nothing appended, when it must
  /// take the general way.
  public mutating func append(
    _ record: UnsafeBufferPointer<UInt8>, key: String?, to rows: inout PreparedRows
  ) -> Bool {
    cursor = JSONCursor(record)
    out.removeAll(keepingCapacity: true)
    members.removeAll(keepingCapacity: true)
    id = nil
    createdAt = nil
    updatedAt = nil
    skipWhitespace()
    guard i < bytes.count, bytes[i] == UInt8(ascii: "{"), object(shape, depth: 1, top: true) else { return false }
    skipWhitespace()
    guard i == bytes.count else { return false }
    if let key {
      // Filed under its id: an id inside the record must be the same text. A key holding a
      // NUL (an escape in the file) is refused by the general way.
      guard !key.isEmpty, !UTF8Text.containsNUL(key),
        id.map({ key.utf8.elementsEqual(UnsafeBufferPointer(rebasing: bytes[$0])) }) ?? true
      else { return false }
      rows.text.append(contentsOf: key.utf8)
    } else {
      guard let id, !id.isEmpty else { return false }
      rows.text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[id]))
    }
    rows.ends.append(rows.text.count)
    rows.text.append(contentsOf: out)
    rows.ends.append(rows.text.count)
    timestamp(createdAt, to: &rows.text)
    rows.ends.append(rows.text.count)
    // Without one, updated_at is created_at.
    timestamp(updatedAt ?? createdAt, to: &rows.text)
    rows.ends.append(rows.text.count)
    return true
  }

  /// A timestamp from the record, or the import's start time.
  @inline(__always)
  func timestamp(_ range: Range<Int>?, to text: inout [UInt8]) {
    if let range {
      text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
    } else {
      text.append(contentsOf: now)
    }
  }

  @inline(__always)
  mutating func skipWhitespace() { cursor.skipWhitespace() }

  /// An object at `{`, written with its members in schema order. At the top, `id`,
  /// `created_at` and `updated_at` are the record's own and are kept apart.
  mutating func object(_ shape: Shape, depth: Int, top: Bool) -> Bool {
    guard depth <= 64, let hasMembers = try? cursor.openObject() else { return false }
    let start = out.count
    out.append(UInt8(ascii: "{"))
    let firstMember = members.count
    var seen: UInt64 = 0
    var last = -1
    var inOrder = true
    if hasMembers {
      while true {
        guard let key = try? cursor.key(), !key.escaped else { return false }
        let keyBytes = UnsafeBufferPointer(rebasing: bytes[key.content])
        if top, let own = ownKey(keyBytes) {
          guard timestampOrID(own) else { return false }
        } else {
          guard let field = shape.field(named: keyBytes), seen & (1 << UInt64(field)) == 0 else { return false }
          seen |= 1 << UInt64(field)
          if members.count > firstMember { out.append(UInt8(ascii: ",")) }
          let memberStart = out.count
          out.append(contentsOf: shape.keys[field])
          guard member(shape.specs[field], depth: depth) else { return false }
          members.append(field)
          members.append(memberStart)
          members.append(out.count)
          if field < last { inOrder = false }
          last = field
        }
        guard let more = try? cursor.nextMember() else { return false }
        if !more { break }
      }
    }
    guard seen & shape.required == shape.required else { return false }
    if !inOrder { reorder(from: firstMember, objectStart: start) }
    members.removeSubrange(firstMember...)
    out.append(UInt8(ascii: "}"))
    return true
  }

  /// Which of the record's own keys this is: 0 id, 1 created_at, 2 updated_at.
  @inline(__always)
  func ownKey(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
    if JSONCursor.equal(Self.idKey, key) { return 0 }
    if JSONCursor.equal(Self.createdKey, key) { return 1 }
    if JSONCursor.equal(Self.updatedKey, key) { return 2 }
    return nil
  }

  /// The record's id (a non-empty string) or one of its timestamps (plain RFC 3339), each
  /// given once.
  mutating func timestampOrID(_ own: Int) -> Bool {
    guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), let text = string() else { return false }
    switch own {
    case 0:
      guard id == nil, !text.isEmpty else { return false }
      id = text
    default:
      guard Timestamp.parseDateTime(bytes: UnsafeBufferPointer(rebasing: bytes[text])) != nil else { return false }
      if own == 1 {
        guard createdAt == nil else { return false }
        createdAt = text
      } else {
        guard updatedAt == nil else { return false }
        updatedAt = text
      }
    }
    return true
  }

  /// Moves the members written since `first` into schema order.
  mutating func reorder(from first: Int, objectStart: Int) {
    var order: [(field: Int, range: Range<Int>)] = []
    var m = first
    while m < members.count {
      order.append((members[m], members[m + 1]..<members[m + 2]))
      m += 3
    }
    order.sort { $0.field < $1.field }
    var sorted: [UInt8] = [UInt8(ascii: "{")]
    for (n, member) in order.enumerated() {
      if n > 0 { sorted.append(UInt8(ascii: ",")) }
      sorted.append(contentsOf: out[member.range])
    }
    out.replaceSubrange(objectStart..., with: sorted)
  }

  /// An object member's value: null stands for a field that is not required.
  mutating func member(_ spec: Spec, depth: Int) -> Bool {
    if i < bytes.count && bytes[i] == UInt8(ascii: "n") {
      guard !spec.spec.required, literal("null") else { return false }
      return true
    }
    return value(spec, depth: depth)
  }

  /// A value of the spec: the short way, else the general code for this value alone.
  mutating func value(_ spec: Spec, depth: Int) -> Bool {
    let start = cursor
    let outStart = out.count
    let membersStart = members.count
    if quick(spec, depth: depth) { return true }
    cursor = start
    out.removeSubrange(outStart...)
    members.removeSubrange(membersStart...)
    return general(spec, depth: depth)
  }

  mutating func quick(_ spec: Spec, depth: Int) -> Bool {
    guard i < bytes.count else { return false }
    switch spec.kind {
    case .string(let nonEmpty):
      let start = i
      guard bytes[i] == UInt8(ascii: "\""), let text = string(), !nonEmpty || !text.isEmpty else { return false }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
    case .enumeration(let values):
      let start = i
      guard bytes[i] == UInt8(ascii: "\""), let text = string() else { return false }
      let given = UnsafeBufferPointer(rebasing: bytes[text])
      guard values.contains(where: { JSONCursor.equal($0, given) }) else { return false }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
    case .integer:
      return number(spec.spec, integerOnly: true)
    case .number:
      return number(spec.spec, integerOnly: false)
    case .boolean:
      return bytes[i] == UInt8(ascii: "t") ? literal("true") : literal("false")
    case .array(let items):
      guard bytes[i] == UInt8(ascii: "["), let elements = try? cursor.openArray() else { return false }
      out.append(UInt8(ascii: "["))
      var count = 0
      if elements {
        while true {
          skipWhitespace()
          if count > 0 { out.append(UInt8(ascii: ",")) }
          guard depth < 64, value(items, depth: depth + 1) else { return false }
          count += 1
          guard let more = try? cursor.nextElement() else { return false }
          if !more { break }
        }
      }
      if let minimum = spec.spec.minLength, count < minimum { return false }
      if let maximum = spec.spec.maxLength, count > maximum { return false }
      out.append(UInt8(ascii: "]"))
    case .object(let shape):
      guard bytes[i] == UInt8(ascii: "{") else { return false }
      return object(shape, depth: depth + 1, top: false)
    case .general:
      return false
    }
    return true
  }

  /// Parses, checks and writes one value with the general code; false when it is not valid.
  mutating func general(_ spec: Spec, depth: Int) -> Bool {
    var parser = JSONParser(bytes)
    parser.index = i
    parser.depth = depth
    guard let value = try? parser.parseValue() else { return false }
    var walk = SchemaValidator.Walk(applyDefaults: false)
    let checked = validator.validateValue(value, spec: spec.spec, path: { FieldPath([]) }, walk: &walk) ?? value
    SchemaValidator.rejectNUL(checked, key: "", path: { FieldPath([]) }, walk: &walk)
    SchemaValidator.checkDepth(checked, level: depth, path: { FieldPath([]) }, walk: &walk)
    guard walk.issues.isEmpty else { return false }
    JSONWriter.write(checked, to: &out, style: .compact, indent: 0)
    i = parser.index
    return true
  }

  @inline(__always)
  mutating func literal(_ word: StaticString) -> Bool {
    guard JSONCursor.literal(word, in: bytes, at: i) else { return false }
    let count = word.utf8CodeUnitCount
    out.append(contentsOf: UnsafeBufferPointer(start: word.utf8Start, count: count))
    i += count
    return true
  }

  /// A string at `"` without escapes: the range of its content, checked. Nil for anything
  /// else (escapes go the general way, which decodes them), with the position unmoved.
  @inline(__always)
  mutating func string() -> Range<Int>? {
    let start = i
    guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), let scanned = try? cursor.scanString(), !scanned.escaped
    else {
      i = start
      return nil
    }
    return scanned.content
  }

  static let powersOfTen: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6]

  /// A number copied as it stands, when that is how the writer would write it: an integer of
  /// up to 18 digits, or (for `number`) a decimal of up to 9 integer and 6 fraction digits
  /// not ending in 0, at least 0.001 in size (Swift writes smaller ones with an exponent).
  /// Its value is checked against the spec's range exactly as the general code checks it.
  mutating func number(_ spec: FieldSpec, integerOnly: Bool) -> Bool {
    guard let scanned = try? cursor.scanNumber() else { return false }
    let integerDigits = scanned.integerDigits
    let fractionDigits = scanned.fractionDigits
    let negative = scanned.negative
    // No "-0", at most 18 digits: then the integer fits and reads back the same.
    guard integerDigits <= 18, scanned.kind != .exponent else { return false }
    if scanned.kind == .fraction {
      guard !integerOnly, integerDigits <= 9, fractionDigits <= 6, bytes[i - 1] != UInt8(ascii: "0") else {
        return false
      }
    }
    var mantissa: Int64 = 0
    for k in scanned.range where JSONCursor.isDigit(bytes[k]) {
      mantissa = mantissa &* 10 &+ Int64(bytes[k] - UInt8(ascii: "0"))
    }
    let number: Double
    if fractionDigits == 0 {
      guard mantissa != 0 || !negative else { return false }
      number = Double(negative ? -mantissa : mantissa)
    } else {
      // Both parts are exact in a Double, so the one division rounds as reading the text does.
      let magnitude = Double(mantissa) / Self.powersOfTen[fractionDigits]
      guard magnitude >= 0.001 else { return false }
      number = negative ? -magnitude : magnitude
    }
    if let minimum = spec.minimum, number < minimum { return false }
    if let maximum = spec.maximum, number > maximum { return false }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[scanned.range]))
    return true
  }
}
