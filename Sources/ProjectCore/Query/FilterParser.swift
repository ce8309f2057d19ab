/// Turns `--where`, `--sort` and `--fields` text into typed queries, checking each field
/// against the service's schema and typing each literal by the field's type.
///
/// Grammar: `[not ]...PATH OP VALUE`, where OP is `=`, `!=`, `<`, `<=`, `>`, `>=`, `~`
/// (substring), `!~`, `in (A,B)`, `not in (A,B)`, `exists` or `not exists`. A value wholly in
/// double quotes (JSON escapes inside) or single quotes (taken as it is) is quoted: on a
/// path the schema does not type it is text, never a number.
///
/// PATH is a schema field (`owner.team`), or any key path written as SQLite writes JSON paths,
/// `$.legacy` or `$."a b".c`: the schema is not asked, and the value is compared as the JSON
/// value it holds. Which of the two a path is depends on how it is written, never on the data.
public struct FilterParser {
  public let schema: ObjectSchema

  public init(schema: ObjectSchema) { self.schema = schema }

  static func isPathByte(_ b: UInt8) -> Bool {
    Identifier.isLetter(b) || Identifier.isDigit(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
  }

  /// Whether a path component may be used in a query: letters, digits, `_` and `-`.
  public static func isPathComponent(_ component: String) -> Bool {
    !component.isEmpty && component.utf8.count <= 128 && component.utf8.allSatisfy(isPathByte)
  }

  /// What a path names: its type, or nil for free-form values; and whether it is a schema array.
  struct Target {
    var spec: FieldSpec?
    var path: FieldPath
    /// Written `$.`: compared as the JSON value it holds, arrays included, whatever the schema says.
    var outsideSchema = false
  }

  /// A path as written at the start of a query argument: its text and, for a `$.` path, its keys.
  struct WrittenPath {
    var text: String
    /// The keys of a `$.` path, which the schema does not check; nil for a schema path.
    var keys: [String]?
  }

  /// Reads the path at the start of `text` and returns it with the text after it.
  ///
  /// A schema path runs over letters, digits, `_`, `-` and `.`. A `$.` path is `$` followed by
  /// `.KEY` steps, a key being letters, digits, `_`, `-` and non-ASCII text, or any text in double quotes but
  /// `"`, `\` and control characters (which SQLite's paths cannot name as a file holds them).
  static func scanPath(_ text: Substring, context: String) throws(QueryError) -> (WrittenPath, Substring) {
    guard text.hasPrefix("$") else {
      let end = text.utf8.firstIndex { !(isPathByte($0) || $0 == UInt8(ascii: ".")) } ?? text.endIndex
      return (WrittenPath(text: String(text[..<end]), keys: nil), text[end...])
    }
    var rest = text.dropFirst()
    var keys: [String] = []
    while rest.hasPrefix(".") {
      rest = rest.dropFirst()
      var key: Substring
      if rest.hasPrefix("\"") {
        guard let close = rest.dropFirst().firstIndex(of: "\"") else {
          throw QueryError("\(context): unterminated quote in the path '\(text[..<rest.endIndex])'")
        }
        key = rest[rest.index(after: rest.startIndex)..<close]
        rest = rest[rest.index(after: close)...]
        if key.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\\") }) {
          throw QueryError(
            "\(context): the key \(JSONWriter.string(.string(String(key)))) holds a backslash or a control character, which a path cannot name"
          )
        }
      } else {
        let end = rest.utf8.firstIndex { !(isPathByte($0) || $0 >= 0x80) } ?? rest.endIndex
        key = rest[..<end]
        rest = rest[end...]
      }
      if key.isEmpty {
        throw QueryError(
          "\(context): '\(text[..<rest.startIndex])' needs a key after each '.': letters, digits, '_' and '-', or other text in double quotes, as in $.\"a b\".c"
        )
      }
      keys.append(String(key))
    }
    let written = String(text[..<rest.startIndex])
    if keys.isEmpty {
      throw QueryError("\(context): expected a key after '$.', as in $.legacy or $.\"a b\".c")
    }
    if rest.hasPrefix("[") {
      throw QueryError("\(context): '\(written)[': a path cannot index into an array; compare the whole value")
    }
    return (WrittenPath(text: written, keys: keys), rest)
  }

  func target(_ written: WrittenPath, context: String) throws(QueryError) -> Target {
    // The record's own `id` and timestamps are what `$.id` names too: no stored field holds them.
    if let keys = written.keys { return Target(spec: nil, path: FieldPath(keys), outsideSchema: true) }
    let text = written.text
    guard let path = FieldPath(parsing: text), path.components.allSatisfy(Self.isPathComponent) else {
      throw QueryError(
        "\(context): '\(text)' is not a field path; use names of letters, digits, '_' and '-', joined by '.'")
    }
    if path.components.count == 1 {
      switch path.components[0] {
      case "id": return Target(spec: FieldSpec(type: .string), path: path)
      case "created_at", "updated_at": return Target(spec: FieldSpec(type: .datetime), path: path)
      default: break
      }
    }
    if let spec = schema.spec(at: path) { return Target(spec: spec, path: path) }
    if schema.isFreeForm(path) { return Target(spec: nil, path: path) }
    var message = "\(context): unknown field '\(text)'"
    let candidates = ["id", "created_at", "updated_at"] + schema.fieldNames
    if let near = Suggestion.nearest(to: text, in: candidates) {
      message += "; did you mean '\(near)'?"
    } else {
      message += "; fields are \(candidates.joined(separator: ", ")); write '$.\(text)' for a key outside the schema"
    }
    throw QueryError(message)
  }

  public func parseFilter(_ text: String) throws(QueryError) -> Filter {
    let context = "--where '\(text)'"
    var rest = Substring(text.trimmingSpaces)
    var negated = false
    // `not` negates any expression, itself included.
    while true {
      if rest.hasPrefix("not ") {
        rest = Substring(String(rest.dropFirst(4)).trimmingSpaces)
      } else if rest.hasPrefix("!") && !rest.hasPrefix("!=") && !rest.hasPrefix("!~") {
        rest = Substring(String(rest.dropFirst()).trimmingSpaces)
      } else {
        break
      }
      negated.toggle()
    }
    let (written, afterPath) = try Self.scanPath(rest, context: context)
    let pathText = written.text
    if pathText.isEmpty {
      throw QueryError("\(context): expected a field name first, as in status=active")
    }
    var tail = Substring(String(afterPath).trimmingSpaces)
    let op: Filter.Operator
    let symbolic: [(String, Filter.Operator, Bool)] = [
      ("!=", .equal, true), ("<=", .lessOrEqual, false), (">=", .greaterOrEqual, false),
      ("!~", .contains, true), ("=", .equal, false), ("<", .less, false), (">", .greater, false),
      ("~", .contains, false),
    ]
    if let match = symbolic.first(where: { tail.hasPrefix($0.0) }) {
      op = match.1
      if match.2 { negated.toggle() }
      tail = tail.dropFirst(match.0.count)
    } else if tail == "exists" {
      op = .exists
      tail = ""
    } else if tail == "not exists" || tail == "!exists" {
      op = .exists
      negated.toggle()
      tail = ""
    } else if tail.hasPrefix("in ") || tail.hasPrefix("in(") {
      op = .oneOf
      tail = tail.dropFirst(2)
    } else if tail.hasPrefix("not in ") || tail.hasPrefix("not in(") {
      op = .oneOf
      negated.toggle()
      tail = tail.dropFirst(6)
    } else {
      throw QueryError(
        "\(context): expected an operator after '\(pathText)': =, !=, <, <=, >, >=, ~, !~, in (...), exists")
    }
    let target = try target(written, context: context)
    var spec = target.spec
    var elements = false
    if case .array(let items)? = spec?.type, !target.outsideSchema {
      spec = items
      elements = true
    }
    if op != .exists, case .object? = spec?.type {
      throw QueryError(
        "\(context): '\(pathText)' is an object; compare one of its fields (\(pathText).NAME) or test '\(pathText) exists'"
      )
    }
    var values: [JSONValue] = []
    switch op {
    case .exists:
      break
    case .oneOf:
      let list = String(tail).trimmingSpaces
      guard list.hasPrefix("("), list.hasSuffix(")"), list.count >= 2 else {
        throw QueryError("\(context): expected a list in parentheses after 'in', as in status in (active,archived)")
      }
      for item in try Self.splitList(String(list.dropFirst().dropLast()), context: context) {
        values.append(try literal(item.text, quoted: item.quoted, spec: spec, op: op, context: context))
      }
    default:
      let value = Self.unquote(String(tail).trimmingSpaces)
      values.append(try literal(value.text, quoted: value.quoted, spec: spec, op: op, context: context))
    }
    if values.contains(where: { $0.stringValue.map(UTF8Text.containsNUL) == true }) {
      throw QueryError("\(context): the value contains a NUL character (U+0000), which stored text never holds")
    }
    return Filter(path: target.path, op: op, values: values, negated: negated, matchesElements: elements)
  }

  /// The value without one pair of quotes that wholly enclose it, and whether it had them:
  /// double quotes read JSON escapes inside them, single quotes keep the text as it is. A
  /// quote elsewhere (`O'Brien`) is part of the text.
  static func unquote(_ text: String) -> (text: String, quoted: Bool) {
    guard text.utf8.count >= 2 else { return (text, false) }
    if text.hasPrefix("'") && text.hasSuffix("'") {
      return (String(text.dropFirst().dropLast()), true)
    }
    guard text.hasPrefix("\""), text.hasSuffix("\""), case .string(let s)? = try? JSONReader.parse(text) else {
      return (text, false)
    }
    return (s, true)
  }

  /// Splits `a, "b,c", 'd,e', f` on commas outside quotes.
  static func splitList(_ text: String, context: String) throws(QueryError) -> [(text: String, quoted: Bool)] {
    var items: [(text: String, quoted: Bool)] = []
    var current = ""
    var quote: Character?
    var escaped = false
    for character in text {
      if let open = quote {
        current.append(character)
        if escaped {
          escaped = false
        } else if character == "\\" && open == "\"" {
          escaped = true
        } else if character == open {
          quote = nil
        }
      } else if (character == "\"" || character == "'") && current.trimmingSpaces.isEmpty {
        quote = character
        current.append(character)
      } else if character == "," {
        items.append(unquote(current.trimmingSpaces))
        current = ""
      } else {
        current.append(character)
      }
    }
    if quote != nil { throw QueryError("\(context): unterminated quote in the list") }
    items.append(unquote(current.trimmingSpaces))
    if items.count == 1 && items[0].text.isEmpty && !items[0].quoted {
      throw QueryError("\(context): the list is empty")
    }
    return items
  }

  /// Types a literal by the field's spec; nil spec means a free-form value, which a quoted
  /// literal leaves as text.
  func literal(_ text: String, quoted: Bool = false, spec: FieldSpec?, op: Filter.Operator, context: String)
    throws(QueryError) -> JSONValue
  {
    guard let spec else {
      if op == .contains || quoted { return .string(text) }
      switch Result(catching: { () throws(JSONSyntaxError) in try JSONReader.parse(text) }) {
      case .success(.integer(let i)): return .integer(i)
      case .success(.double(let d)): return .double(d)
      case .success(.bool(let b)): return .bool(b)
      // `null` finds a stored JSON null, present but null, which `exists` leaves out.
      case .success(.null) where op == .equal || op == .oneOf: return .null
      case .success(.null):
        throw QueryError(
          "\(context): null can only be compared with =, !=, in or not in; quote it to compare it as text")
      case .failure(let error) where FieldValueParser.isOutOfRange(error):
        throw QueryError(
          "\(context): '\(text)' is out of range for a number (beyond 64-bit integers and doubles); quote it to compare it as text"
        )
      default: return .string(text)
      }
    }
    func bad(_ expected: String) -> QueryError {
      QueryError("\(context): '\(text)' is not \(expected)")
    }
    if op == .contains {
      switch spec.type {
      case .string, .enumeration, .datetime, .date, .any: return .string(text)
      default: throw QueryError("\(context): '~' needs a text field, and this one is \(spec.type.name)")
      }
    }
    switch spec.type {
    case .string, .any:
      if case .any = spec.type { return try literal(text, quoted: quoted, spec: nil, op: op, context: context) }
      return .string(text)
    case .enumeration(let values):
      if op == .equal || op == .oneOf, !values.containsBytes(text) {
        var message = "\(context): '\(text)' is not one of \(values.joined(separator: ", "))"
        if let near = Suggestion.nearest(to: text, in: values) { message += "; did you mean '\(near)'?" }
        throw QueryError(message)
      }
      return .string(text)
    case .integer, .number, .boolean:
      if case .boolean = spec.type, op != .equal && op != .oneOf {
        throw QueryError("\(context): a boolean field takes =, !=, in or exists")
      }
      do {
        return try FieldValueParser.parse(text, spec: spec, path: FieldPath([]))
      } catch {
        throw QueryError(
          "\(context): '\(text)' is not \(spec.type == .boolean ? "true or false" : "a\(spec.type == .integer ? "n" : "") \(spec.type.name)")"
        )
      }
    case .datetime:
      if let ms = Timestamp.parseDateTime(text) { return .string(Timestamp.format(milliseconds: ms)) }
      if Timestamp.isDate(text) { return .string(text + "T00:00:00.000Z") }
      throw bad("a date-time such as 2026-11-30T16:04:45Z or a date such as 2026-11-30")
    case .date:
      guard Timestamp.isDate(text) else { throw bad("a date such as 2026-11-30") }
      return .string(text)
    case .array, .object:
      throw QueryError("\(context): nested arrays and objects cannot be compared")
    }
  }

  public func parseSort(_ text: String) throws(QueryError) -> SortKey {
    let context = "--sort '\(text)'"
    var name = Substring(text)
    var descending = false
    if text.hasPrefix("$") {
      // A quoted key may hold a colon: the direction is what follows the whole path.
      let (written, rest) = try Self.scanPath(name, context: context)
      switch rest.lowercased() {
      case "", ":asc": break
      case ":desc": descending = true
      default: throw QueryError("\(context): expected FIELD, FIELD:asc or FIELD:desc")
      }
      return SortKey(path: try target(written, context: context).path, descending: descending)
    }
    if let colon = text.lastIndex(of: ":") {
      let direction = text[text.index(after: colon)...].lowercased()
      guard direction == "desc" || direction == "asc" else {
        throw QueryError("\(context): expected FIELD, FIELD:asc or FIELD:desc")
      }
      descending = direction == "desc"
      name = text[..<colon]
    }
    let target = try target(WrittenPath(text: String(name), keys: nil), context: context)
    return SortKey(path: target.path, descending: descending)
  }

  public func parseFields(_ text: String) throws(QueryError) -> [FieldPath] {
    var paths: [FieldPath] = []
    var rest = Substring(text)
    while let first = rest.first {
      if first == "," || first == " " || first == "\t" {
        rest = rest.dropFirst()
        continue
      }
      var written: WrittenPath
      if first == "$" {
        // A quoted key may hold a comma: the item ends where the path does.
        (written, rest) = try Self.scanPath(rest, context: "--fields")
        rest = Substring(String(rest).trimmingSpaces)
        guard rest.isEmpty || rest.hasPrefix(",") else {
          throw QueryError("--fields: expected a comma after '\(written.text)'")
        }
      } else {
        let end = rest.firstIndex(of: ",") ?? rest.endIndex
        written = WrittenPath(text: String(rest[..<end]).trimmingSpaces, keys: nil)
        rest = rest[end...]
      }
      paths.append(try target(written, context: "--fields").path)
    }
    if paths.isEmpty { throw QueryError("--fields: expected a comma-separated list of field names") }
    return paths
  }
}

extension String {
  /// The string without leading and trailing spaces and tabs.
  var trimmingSpaces: String {
    var s = Substring(self)
    while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
    while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
    return String(s)
  }
}
