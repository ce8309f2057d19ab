import Foundation
import Testing

@testable import ProjectCore

/// Every reader of JSON text stands on `JSONCursor`; these tests hold them to one answer on
/// which text is JSON, each as far as its contract says: the cursor's skip and `JSONParser`'s
/// skip refuse exactly what the strict reader refuses, with its error; the short ways
/// (`RowEncoder`, `JSONExtractFunction`, `CanonicalScanner`) may step aside on valid text but
/// never take text the strict reader refuses.
@Suite struct JSONCursorTests {
  typealias Seeded = RecordTextTests.Seeded

  /// A record the example service takes, written compact or spread out.
  static func record(_ random: inout Seeded) -> [UInt8] {
    var object = JSONObject()
    // Without an id, only the canonical check can take it; with one, only the row encoder.
    if Int.random(in: 0..<3, using: &random) > 0 {
      object["id"] = .string("r\(Int.random(in: 0..<1000, using: &random))")
    }
    object["name"] = .string("n" + RecordTextTests.string(&random))
    if Bool.random(using: &random) { object["count"] = .integer(Int64.random(in: 0...1_000_000, using: &random)) }
    if Bool.random(using: &random) {
      object["score"] = .double([0.5, -1.25, 1e20, 1e-7, 12.75][Int.random(in: 0..<5, using: &random)])
    }
    if Bool.random(using: &random) { object["ok"] = .bool(Bool.random(using: &random)) }
    if Bool.random(using: &random) {
      object["tags"] = .array(
        (0..<Int.random(in: 0...3, using: &random)).map { _ in .string(RecordTextTests.string(&random)) })
    }
    if Bool.random(using: &random) {
      object["owner"] = .object(JSONObject([("team", .string("ops")), ("size", .integer(2))]))
    }
    if Bool.random(using: &random) { object["extra"] = RecordTextTests.value(&random) }
    var out: [UInt8] = []
    JSONWriter.write(.object(object), to: &out, style: Bool.random(using: &random) ? .compact : .pretty, indent: 0)
    return out
  }

  /// Bytes that break JSON in the most ways when put in the wrong place.
  static let breakers: [UInt8] =
    Array(#"{}[],:"\\/0-+.eEuntf "#.utf8) + [0x00, 0x0A, 0x1F, 0x7F, 0xC3, 0xA9, 0xED, 0xF0, 0xFF]

  /// The same text with one byte dropped, changed or added, or cut short.
  static func mutate(_ bytes: [UInt8], _ random: inout Seeded) -> [UInt8] {
    var bytes = bytes
    guard !bytes.isEmpty else { return bytes }
    let at = Int.random(in: 0..<bytes.count, using: &random)
    let byte = breakers.randomElement(using: &random) ?? 0
    switch Int.random(in: 0..<4, using: &random) {
    case 0: bytes.remove(at: at)
    case 1: bytes[at] = byte
    case 2: bytes.insert(byte, at: at)
    default: bytes.removeSubrange(at...)
    }
    return bytes
  }

  /// Every JSONTestSuite file, then random records and a few hundred mutations of them.
  static func documents() throws -> [(name: String, bytes: [UInt8])] {
    var documents = try JSONTestSuiteTests.files().map { name in
      (name, try [UInt8](Data(contentsOf: URL(fileURLWithPath: JSONTestSuiteTests.folder + "/" + name))))
    }
    var random = Seeded(state: 2026)
    for n in 0..<150 {
      let record = record(&random)
      documents.append(("record \(n)", record))
      var mutated = record
      for m in 0..<4 {
        mutated = mutate(m == 2 ? record : mutated, &random)
        documents.append(("record \(n), mutation \(m)", mutated))
      }
    }
    return documents
  }

  /// The strict reader's answer: nil for JSON, else its error.
  static func strict(_ bytes: [UInt8]) -> JSONSyntaxError? {
    do {
      _ = try JSONReader.parse(bytes)
      return nil
    } catch {
      return error
    }
  }

  /// The cursor alone: white space, one value skipped, nothing after.
  static func skipped(_ bytes: [UInt8]) -> JSONSyntaxError? {
    bytes.withUnsafeBufferPointer { buffer in
      // The reader passes over a byte order mark before reading.
      var cursor = JSONParser(buffer).cursor
      do throws(JSONSyntaxError) {
        cursor.skipWhitespace()
        guard cursor.index < buffer.count else { throw cursor.error("the text is empty; expected a JSON value") }
        try cursor.skipValue()
        cursor.skipWhitespace()
        if cursor.index < buffer.count {
          throw cursor.error("unexpected \(JSONCursor.describe(buffer[cursor.index])) after the JSON value")
        }
        return nil
      } catch {
        return error
      }
    }
  }

  @Test func everyReaderAgreesWithTheStrictReaderOnWhichTextIsJSON() throws {
    let folder = TemporaryFolder()
    let transfer = RecordTransfer(service: RecordService(definition: try Fixtures.service(in: folder)))
    let documents = try Self.documents()
    #expect(documents.count == 318 + 750)
    var counts = (valid: 0, encoded: 0, extracted: 0, canonical: 0)
    for (name, bytes) in documents {
      let error = Self.strict(bytes)
      if error == nil { counts.valid += 1 }
      // The skips refuse what the reader refuses, at the same place, in the same words.
      #expect(Self.skipped(bytes) == error, "\(name)")
      let parserSkip: JSONSyntaxError? = bytes.withUnsafeBufferPointer { buffer in
        var parser = JSONParser(buffer)
        do throws(JSONSyntaxError) {
          try parser.parseDocumentSkipping()
          return nil
        } catch {
          return error
        }
      }
      #expect(parserSkip == error, "\(name)")

      bytes.withUnsafeBufferPointer { buffer in
        // The row encoder takes only records the reader reads.
        let row: PreparedRows? = transfer.row(line: buffer, now: "2026-11-30T12:00:00.000Z", quick: true)
        if row != nil {
          counts.encoded += 1
          #expect(error == nil, "\(name): the row encoder took text the reader refuses")
        }
        // json_extract's short way reads the whole text for a key that is not there: it answers
        // only for JSON, and answers for every object without escapes or byte order mark.
        let answer = JSONExtractFunction.extract(buffer, keys: [Array("missing".utf8)])
        if answer != .unsure {
          counts.extracted += 1
          #expect(
            error == nil && answer == .null, "\(name): json_extract answered \(answer) for text the reader refuses")
        } else if error == nil, bytes.first == UInt8(ascii: "{"), !bytes.contains(UInt8(ascii: "\\")) {
          Issue.record("\(name): json_extract stepped aside on plain JSON")
        }
        // Text passed as canonical is JSON, and exactly what the writer writes for it.
        if RecordText(fieldOrder: []).isCanonical(buffer) {
          counts.canonical += 1
          #expect(error == nil, "\(name): canonical text the reader refuses")
          if let value = try? JSONReader.parse(bytes) {
            var written: [UInt8] = []
            JSONWriter.write(value, to: &written, style: .compact, indent: 0)
            #expect(written == bytes, "\(name)")
          }
        }
      }
    }
    // Each reader was put to work, not only asked about text it declines.
    #expect(counts.valid > 250 && counts.encoded > 20 && counts.extracted > 20 && counts.canonical > 20, "\(counts)")
  }
}
