/// A stored record written as a CSV row straight from its stored text: the id, the schema's
/// top-level fields and the timestamps, each cell taken from the `data` object's bytes without
/// building a tree.
///
/// The bytes are those `CSVCodec.row(_:columns:schema:)` writes for the record with those
/// columns. A value is copied when its text is what `JSONWriter` writes for it (a string of a
/// text field: when it has no escape); any other value is read and written as a tree, and a
/// record whose keys are not plain ASCII, or that holds a schema field twice, goes whole
/// through `CSVCodec.row`, so the output is the same either way.
public struct CSVRowText {
  let schema: ObjectSchema
  let columns: [FieldPath]
  /// The top-level fields' names, and whether a string value of each is written as its text.
  let names: [[UInt8]]
  let textual: [Bool]

  public init(schema: ObjectSchema) {
    self.schema = schema
    let fieldNames = schema.fieldNames
    columns =
      [FieldPath(["id"])] + fieldNames.map { FieldPath([$0]) } + [
        FieldPath(["created_at"]), FieldPath(["updated_at"]),
      ]
    names = fieldNames.map { Array($0.utf8) }
    textual = fieldNames.map { CSVCodec.writesText(schema.spec(at: FieldPath([$0]))?.type) }
  }

  /// Appends one record's row with its line end. `data` must be a JSON object `JSONReader`
  /// reads (as `RawRowStreaming` hands it out).
  public func write(
    id: String, data: UnsafeBufferPointer<UInt8>, createdAt: String, updatedAt: String, to out: inout [UInt8]
  ) {
    guard let values = valueRanges(data) else {
      let fields = (try? JSONReader.parse(buffer: data))?.objectValue ?? JSONObject()
      let record = Record(id: id, fields: fields, createdAt: createdAt, updatedAt: updatedAt)
      return out.append(contentsOf: CSVCodec.row(record, columns: columns, schema: schema).utf8)
    }
    Self.appendText(id, to: &out)
    for (i, range) in values.enumerated() {
      out.append(UInt8(ascii: ","))
      if let range { cell(UnsafeBufferPointer(rebasing: data[range]), textual: textual[i], to: &out) }
    }
    out.append(UInt8(ascii: ","))
    Self.appendText(createdAt, to: &out)
    out.append(UInt8(ascii: ","))
    Self.appendText(updatedAt, to: &out)
    out.append(contentsOf: CSVCodec.lineEnd.utf8)
  }

  static func appendText(_ text: String, to out: inout [UInt8]) {
    let null = text == "null"
    var text = text
    text.withUTF8 { CSVCodec.append($0, alwaysQuote: null, to: &out) }
  }

  /// Where each top-level field's value stands in `data`; nil when the record must go through
  /// the tree (a key with an escape or a byte past ASCII, a schema field given twice).
  func valueRanges(_ data: UnsafeBufferPointer<UInt8>) -> [Range<Int>?]? {
    var values = [Range<Int>?](repeating: nil, count: names.count)
    var cursor = JSONCursor(data)
    var next = 0
    do throws(JSONSyntaxError) {
      cursor.skipWhitespace()
      guard cursor.at(UInt8(ascii: "{")) else { return nil }
      guard try cursor.openObject() else { return values }
      repeat {
        let scanned = try cursor.key()
        let key = UnsafeBufferPointer(rebasing: data[scanned.content])
        guard !scanned.escaped, !key.contains(where: { $0 >= 0x80 }) else { return nil }
        let valueStart = cursor.index
        try cursor.skipValue()
        // Stored text keeps the schema's order: the next field is the likely one.
        let found =
          next < names.count && names[next].elementsEqual(key)
          ? next : names.indices.first { names[$0].elementsEqual(key) }
        if let found {
          if values[found] != nil { return nil }
          values[found] = valueStart..<cursor.index
          next = found + 1
        }
      } while try cursor.nextMember()
      return values
    } catch {
      return nil
    }
  }

  /// One value's cell, as `CSVCodec.cell` writes it.
  func cell(_ value: UnsafeBufferPointer<UInt8>, textual: Bool, to out: inout [UInt8]) {
    switch value.first {
    case UInt8(ascii: "n"):
      out.append(contentsOf: "null".utf8)
    case UInt8(ascii: "\"") where textual:
      let content = UnsafeBufferPointer(rebasing: value[1..<(value.count - 1)])
      if !content.contains(UInt8(ascii: "\\")) {
        CSVCodec.append(content, alwaysQuote: content.elementsEqual("null".utf8), to: &out)
      } else {
        out.append(contentsOf: CSVCodec.cell(try? JSONReader.parse(buffer: value), type: .string).utf8)
      }
    default:
      var scanner = CanonicalScanner(bytes: value, fieldKeys: [])
      if scanner.value() && scanner.index == value.count {
        CSVCodec.append(value, to: &out)
      } else {
        out.append(contentsOf: CSVCodec.cell(try? JSONReader.parse(buffer: value), type: .any).utf8)
      }
    }
  }
}
