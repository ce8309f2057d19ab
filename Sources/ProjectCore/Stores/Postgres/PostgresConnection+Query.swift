/// The extended query protocol (typed, bound parameters; rows streamed as they arrive) and
/// `COPY ... FROM STDIN`.
extension PostgresConnection {
  /// Runs one statement with bound parameters (Parse, Bind, Describe, Execute, Sync on the
  /// unnamed statement) and calls `row` with each row as it arrives, every column in text
  /// form. Returns the command tag (`INSERT 0 1`, `SELECT 3`). A server error is thrown once
  /// the server is ready again; an error thrown by `row` is thrown after the rest of the
  /// result is read, so the connection stays usable either way.
  @discardableResult
  public func query(
    _ sql: String, _ parameters: [PostgresParameter] = [], row: (PostgresRow) throws -> Void = { _ in }
  ) throws -> String {
    try send(PostgresFrontendMessage.extendedQuery(sql, parameters))
    var failure: Error?
    var tag = ""
    while true {
      var message = try receive(after: failure)
      switch message.typeName {
      case "D":
        guard failure == nil else { continue }
        do { try row(PostgresRow(message.body)) } catch { failure = error }
      case "C": tag = message.cString()
      case "E": if failure == nil { failure = serverError(&message) }
      case "Z":
        transactionStatus = message.body.first ?? UInt8(ascii: "I")
        if let failure { throw failure }
        return tag
      case "G", "H":
        failure = PostgresError(endpoint: configuration.endpoint, message: "COPY needs copyIn, not query")
      default: break  // ParseComplete, BindComplete, RowDescription, NoData, notices
      }
    }
  }

  /// The rows of one statement, each column as text (nil for NULL).
  public func rows(_ sql: String, _ parameters: [PostgresParameter] = []) throws -> [[String?]] {
    var rows: [[String?]] = []
    try query(sql, parameters) { row in rows.append((0..<row.count).map { row.text($0) }) }
    return rows
  }

  /// Runs `COPY ... FROM STDIN` (`sql`) and streams what `produce` hands to its `send` as
  /// CopyData. When `produce` throws, the copy is abandoned (CopyFail) and its error thrown
  /// once the server is ready again. Returns the number of rows copied.
  @discardableResult
  public func copyIn(_ sql: String, _ produce: (_ send: ([UInt8]) throws -> Void) throws -> Void) throws -> Int {
    try send(PostgresFrontendMessage.query(sql))
    var failure: Error?
    var copied = 0
    while true {
      var message = try receive(after: failure)
      switch message.typeName {
      case "G":
        do {
          try produce { data in try self.send(PostgresFrontendMessage.copyData(data)) }
          try send(PostgresFrontendMessage.copyDone())
        } catch let error as PostgresError where isBroken {
          throw error  // the connection itself failed: nothing more will come
        } catch {
          failure = error
          try send(PostgresFrontendMessage.copyFail("the client stopped the copy"))
        }
      case "C":
        let tag = message.cString()
        if tag.hasPrefix("COPY "), let count = Int(tag.dropFirst(5)) { copied = count }
      case "E":
        let error = serverError(&message)
        if failure == nil { failure = error }
      case "Z":
        transactionStatus = message.body.first ?? UInt8(ascii: "I")
        if let failure { throw failure }
        return copied
      default: break
      }
    }
  }
}

/// One bound parameter: its type and its value in text form (nil for NULL).
public struct PostgresParameter: Sendable, Equatable {
  /// The type's OID; 0 lets the server infer it from the statement.
  public var type: UInt32
  public var value: [UInt8]?

  public init(type: UInt32, value: [UInt8]?) {
    self.type = type
    self.value = value
  }

  public static func text(_ text: String) -> Self { Self(type: 25, value: Array(text.utf8)) }
  public static func int8(_ value: Int64) -> Self { Self(type: 20, value: Array(String(value).utf8)) }
  /// A number as written in JSON, read by the server exactly (type numeric).
  public static func numeric(_ text: String) -> Self { Self(type: 1700, value: Array(text.utf8)) }
  public static func json(_ bytes: [UInt8]) -> Self { Self(type: 114, value: bytes) }
  public static let null = Self(type: 0, value: nil)
}

/// One DataRow: each column's bytes in text form, read in place.
public struct PostgresRow {
  let body: [UInt8]
  /// Where each column lies in `body`; nil for NULL.
  let columns: [Range<Int>?]

  init(_ body: [UInt8]) {
    self.body = body
    var columns: [Range<Int>?] = []
    guard body.count >= 2 else {
      self.columns = []
      return
    }
    let count = Int(body[0]) << 8 | Int(body[1])
    columns.reserveCapacity(count)
    var offset = 2
    for _ in 0..<count {
      guard offset + 4 <= body.count else { break }
      var length = 0
      for index in offset..<offset + 4 { length = length << 8 | Int(body[index]) }
      offset += 4
      if length == 0xFFFF_FFFF {
        columns.append(nil)
      } else {
        let end = min(body.count, offset + length)
        columns.append(offset..<end)
        offset = end
      }
    }
    self.columns = columns
  }

  public var count: Int { columns.count }

  public func text(_ column: Int) -> String? {
    guard column < columns.count, let range = columns[column] else { return nil }
    return String(decoding: body[range], as: UTF8.self)
  }

  public func isNull(_ column: Int) -> Bool { column >= columns.count || columns[column] == nil }

  /// Calls `body` with the column's bytes (empty for NULL), without copying them.
  public func withBytes<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
    let range = column < columns.count ? columns[column] ?? 0..<0 : 0..<0
    return try self.body.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
  }
}
