// libFuzzer target: JSONReader never crashes, and what it reads the writer writes back
// (compact and pretty) as text that reads back to the same value and is stable byte for byte.
// Read as a record (an NDJSON line, or a store file's record filed under an id) of a service
// with a field of every type, the input becomes the same SQLite row by import's short way
// (RowEncoder) as by the general way, or the short way declines. Where SQLite takes the input
// for valid JSON, the stand-in for `json_extract` that builds indexes after a load gives what
// SQLite's own function gives.
import FuzzSupport
import ProjectCore

/// SQLite's own `json_extract`, and a connection where the stand-in answers for it.
nonisolated(unsafe) let plain = try! SQLiteDatabase(path: ":memory:", create: true, busyTimeoutMilliseconds: 0)
nonisolated(unsafe) let standIn: SQLiteDatabase = {
  let db = try! SQLiteDatabase(path: ":memory:", create: true, busyTimeoutMilliseconds: 0)
  _ = try! JSONExtractFunction(on: db)
  return db
}()

/// `json_extract(text, path)` on `db`: the value as SQL text (`quote` keeps every bit of a
/// real) and its type, or the error.
func extract(_ db: SQLiteDatabase, _ text: UnsafeBufferPointer<UInt8>, _ path: String) -> String {
  do {
    let statement = try db.prepare("SELECT quote(json_extract(?1, ?2)), typeof(json_extract(?1, ?2))")
    try statement.bind(borrowing: text, at: 1)
    try statement.bind(.text(path), at: 2)
    try statement.step()
    return "\(statement.text(0) ?? "") \(statement.text(1) ?? "")"
  } catch {
    return "error: \(error)"
  }
}

/// Short field names, so that the fuzzer finds them (and `Fuzz/dict/json.dict` lists them).
nonisolated(unsafe) let transfer: RecordTransfer = {
  let manifest = """
    version: 1
    app: fuzz
    services:
      r:
        fields:
          s: { type: string, required: true, min_length: 1 }
          i: { type: integer, minimum: -5, maximum: 1000 }
          n: { type: number, minimum: 0.5 }
          b: { type: boolean }
          e: { type: enum, values: [x, "é", ""] }
          a: { type: array, items: integer, max_length: 3 }
          t: { type: array, items: { type: object, fields: { k: { type: string } } } }
          o: { type: object, fields: { k: { type: string, required: true }, o: { type: object, fields: { d: { type: date } } } } }
          f: { type: object, additional: true }
          y: { type: any }
          d: { type: datetime }
          p: { type: string, pattern: "^[a-z]+$", max_length: 4 }
    """
  do {
    let service = try ManifestLoader.parse(Array(manifest.utf8), path: "/nonexistent/project.yaml").service(named: "r")!
    return RecordTransfer(service: RecordService(definition: service))
  } catch {
    fatalError("the fuzz manifest does not load: \(error)")
  }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  check(UnsafeBufferPointer(start: data, count: size))
  return 0
}

func check(_ bytes: UnsafeBufferPointer<UInt8>) {
  // In place, so that AddressSanitizer sees a read past the end of the exact-size input.
  let full = Result { () throws(JSONSyntaxError) in try JSONReader.parse(buffer: bytes) }
  // Skipping is as strict as building: the same verdict, the same error, and the kept keys.
  let kept = ["a", "id", "created_at"]
  let partial = Result { () throws(JSONSyntaxError) in try JSONReader.parse(buffer: bytes, keeping: kept) }
  switch (full, partial) {
  case (.failure(let a), .failure(let b)):
    expect(a == b, "building and skipping report different errors: \(a) and \(b)")
  case (.success(.object(let object)), .success(.object(let some))):
    expect(
      some == JSONObject(object.filter { kept.contains($0.key) }.map { ($0.key, $0.value) }),
      "skipping kept \(some), building gave \(object)")
  case (.success(let a), .success(let b)):
    expect(a == b, "a document that is not an object reads differently when skipping: \(a) and \(b)")
  default:
    fatalError("building and skipping disagree: \(full) and \(partial)")
  }
  // As an NDJSON line, and as a store file's record filed under an id.
  for key in [nil, "r1", "r\u{0}1"] {
    if let quick: PreparedRows = transfer.row(
      line: bytes, key: key, now: "2026-11-30T12:00:00.000Z", quick: true)
    {
      let general: PreparedRows? = transfer.row(
        line: bytes, key: key, now: "2026-11-30T12:00:00.000Z", quick: false)
      expect(
        quick == general,
        "import's short way made \(quick), the general way \(general.map(\.description) ?? "no row") (key \(key ?? "none"))"
      )
    }
  }
  if !extract(plain, bytes, "$").hasPrefix("error: malformed JSON") {
    for path in ["$.s", "$.o.k", "$.i", "$.b", "$.a", "$.e"] {
      let theirs = extract(plain, bytes, path)
      let ours = extract(standIn, bytes, path)
      expect(ours == theirs, "json_extract at \(path): the stand-in gave \(ours), SQLite \(theirs)")
    }
  }
  guard case .success(let value) = full else { return }
  for style in [JSONWriter.Style.compact, .pretty] {
    let written = JSONWriter.bytes(value, style: style)
    let reread: JSONValue
    do {
      reread = try JSONReader.parse(written)
    } catch {
      fatalError("\(style) output does not read back (\(error)): \(String(decoding: written, as: UTF8.self))")
    }
    expect(
      reread == value, "\(style) output reads back as a different value: \(String(decoding: written, as: UTF8.self))")
    let rewritten = JSONWriter.bytes(reread, style: style)
    expect(
      rewritten == written,
      "\(style) output is not stable: \(String(decoding: written, as: UTF8.self)) then \(String(decoding: rewritten, as: UTF8.self))"
    )
  }
}

#if FUZZING
  // SwiftPM links every executable with `--defsym main=FuzzJSONReader_main`, so the entry point must
  // have that name; it hands over to libFuzzer's driver.
  @_cdecl("FuzzJSONReader_main")
  func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
  }
#else
  /// Without libFuzzer (a plain `swift build`), replays the files named on the command line.
  @main
  enum Replay {
    static func main() throws { try replayFiles { bytes in bytes.withUnsafeBufferPointer { check($0) } } }
  }
#endif
