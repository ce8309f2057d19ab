/// Reads JSON text (RFC 8259) into `JSONValue`s, strictly: no trailing commas, comments or NaN.
///
/// Integers that fit in 64 bits stay integers; numbers with a fraction or an exponent are doubles.
/// Numbers out of range, invalid UTF-8, lone surrogates and nesting deeper than `maximumDepth`
/// are errors, never silent changes. A leading UTF-8 byte order mark is skipped.
public struct JSONReader {
  /// `JSONLimits.readerDepth`, where every JSON limit is named.
  public static let maximumDepth = JSONLimits.readerDepth

  /// Parses one JSON document that must fill the whole text (surrounding white space aside).
  public static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
    var result: Result<JSONValue, JSONSyntaxError> = .success(.null)
    let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
      var parser = JSONParser(buffer)
      do throws(JSONSyntaxError) { result = .success(try parser.parseDocument()) } catch { result = .failure(error) }
    }
    if done != nil { return try result.get() }
    let array = Array(bytes)
    array.withUnsafeBufferPointer { buffer in
      var parser = JSONParser(buffer)
      do throws(JSONSyntaxError) { result = .success(try parser.parseDocument()) } catch { result = .failure(error) }
    }
    return try result.get()
  }

  /// Parses bytes in place, without copying them.
  public static func parse(buffer: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
    var parser = JSONParser(buffer)
    return try parser.parseDocument()
  }

  public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
    try parse(Array(text.utf8))
  }

  /// Parses bytes in place as `parse(buffer:)` does, but when the document is an object, builds
  /// only the values of `keys`: every other value is checked as strictly and skipped (how a
  /// store file's records are read for a filter).
  public static func parse(buffer: UnsafeBufferPointer<UInt8>, keeping keys: [String]) throws(JSONSyntaxError)
    -> JSONValue
  {
    var parser = JSONParser(buffer)
    parser.skipWhitespace()
    guard parser.index < buffer.count, buffer[parser.index] == UInt8(ascii: "{") else {
      return try parser.parseDocument()
    }
    let value = try parser.parseObject(keeping: keys.map { Array($0.utf8) })
    parser.skipWhitespace()
    if parser.index < buffer.count {
      throw parser.error("unexpected \(parser.describe(buffer[parser.index])) after the JSON value")
    }
    return value
  }
}
