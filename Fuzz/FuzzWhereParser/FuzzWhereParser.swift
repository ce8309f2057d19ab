// libFuzzer target: `--where`, `--sort` and `--fields` text against a fixed schema that has a
// field of every type. Parsing never crashes; a parsed filter or sort key compiles to SQL that
// SQLite accepts, and the in-memory RecordMatcher picks and orders the same records as that
// SQL does over the same records in an in-memory database (the stores' shared contract).
import FuzzSupport
import ProjectCore

let manifestText = """
  version: 1
  services:
    things:
      fields:
        name:   { type: string }
        count:  { type: integer }
        score:  { type: number }
        active: { type: boolean }
        seen:   { type: datetime }
        day:    { type: date }
        status: { type: enum, values: [active, archived, "a b", "é"] }
        tags:   { type: array, items: string }
        loc:
          type: object
          fields:
            region: { type: string }
            rack:   { type: integer }
        meta:   { type: object, additional: true }
        extra:  { type: any }
  """

/// Records as the stores hold them: each value of a type, edge values, nulls and missing fields.
/// (No text holds U+0000: the schema validator refuses it, since SQLite's JSON functions cut
/// text at an escaped NUL; `nul-in-stored-string` is the input that found that.)
let recordTexts: [(id: String, created: String, fields: String)] = [
  (
    "r1", "2026-01-01T00:00:00.000Z",
    #"{"name":"alpha","count":3,"score":2.5,"active":true,"seen":"2026-11-30T16:04:45.123Z","day":"2026-11-30","status":"active","tags":["a","b c","ü"],"loc":{"region":"eu-west","rack":7},"meta":{"owner":"ann","n":1,"a-b":"x","deep":{"k":[1,2]}},"extra":42}"#
  ),
  (
    "r2", "2026-01-01T00:00:00.000Z",
    #"{"name":"Béta \"q\", x","count":-9223372036854775808,"score":-0.0,"active":false,"seen":"1970-01-01T00:00:00.000Z","day":"1999-12-31","status":"archived","tags":[],"loc":{"region":"us"},"meta":{"owner":null,"n":1.5},"extra":"text"}"#
  ),
  (
    "r3", "2025-06-30T12:00:00.000Z",
    #"{"name":"","count":9223372036854775807,"score":9007199254740993,"status":"a b","tags":["x","x","10"],"meta":{},"extra":[1,"two",{"three":3.0}]}"#
  ),
  (
    "r4", "2027-02-03T04:05:06.789Z",
    #"{"count":0,"score":1e300,"status":"é","tags":["9"],"extra":{"k":true},"loc":{"rack":-1}}"#
  ),
  ("r5", "2026-01-01T00:00:00.000Z", #"{}"#),
  (
    "r6", "2024-12-31T23:59:59.999Z",
    #"{"name":"zeta nul","active":null,"score":-1e-7,"extra":null,"meta":{"owner":["ann"],"n":"1","a-b":{"c":false}}}"#
  ),
]

struct Fixture {
  var parser: FilterParser
  var records: [Record]
  var database: SQLiteDatabase
}

nonisolated(unsafe) let fixture: Fixture = {
  let manifest: Manifest
  do {
    manifest = try ManifestLoader.parse(Array(manifestText.utf8), path: "/fuzz/project.yaml")
  } catch {
    fatalError("the fixed manifest does not load: \(error)")
  }
  guard let service = manifest.service(named: "things") else { fatalError("no service 'things'") }
  var records: [Record] = []
  do {
    let database = try SQLiteDatabase(path: ":memory:", create: true, busyTimeoutMilliseconds: 0)
    try database.execute(
      "CREATE TABLE t (id TEXT PRIMARY KEY, data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)")
    let insert = try database.prepare("INSERT INTO t (id, data, created_at, updated_at) VALUES (?, ?, ?, ?)")
    for (id, created, text) in recordTexts {
      guard case .object(let fields) = try JSONReader.parse(text) else { fatalError("record \(id) is not an object") }
      let record = Record(id: id, fields: fields, createdAt: created, updatedAt: created)
      records.append(record)
      insert.reset()
      try insert.bind(.text(record.id), at: 1)
      try insert.bind(bytes: JSONWriter.bytes(.object(record.fields)), at: 2)
      try insert.bind(.text(record.createdAt), at: 3)
      try insert.bind(.text(record.updatedAt), at: 4)
      try insert.step()
    }
    return Fixture(parser: FilterParser(schema: service.schema), records: records, database: database)
  } catch {
    fatalError("cannot set up the fixture: \(error)")
  }
}()

/// The ids SQLite returns for the compiled query, in its order.
func sqliteIDs(_ query: RecordQuery, text: String) -> [String] {
  let compiled = SQLQueryCompiler.compile(query)
  let sql = ["SELECT id FROM t", compiled.whereClause, compiled.orderClause, compiled.limitClause]
    .filter { !$0.isEmpty }.joined(separator: " ")
  do {
    let statement = try fixture.database.prepare(sql)
    try statement.bind(compiled.bindings)
    var ids: [String] = []
    while try statement.step() { ids.append(statement.text(0) ?? "") }
    return ids
  } catch {
    fatalError(
      "input \(text.debugDescription): the compiled SQL fails: \(error)\n\(sql)\nbindings: \(compiled.bindings)")
  }
}

func check(_ bytes: [UInt8]) {
  // A command-line argument cannot hold a NUL byte (a quoted "\u0000" still can).
  if bytes.contains(0) { return }
  let text = String(decoding: bytes, as: UTF8.self)
  let parser = fixture.parser
  if let filter = try? parser.parseFilter(text) {
    let query = RecordQuery(filters: [filter])
    let matcher = RecordMatcher(query)
    let inMemory = fixture.records.filter { matcher.matches($0) }.map(\.id)
    let applied = matcher.apply(to: fixture.records).map(\.id)
    let inSQL = sqliteIDs(query, text: text)
    expect(
      applied == inSQL,
      "input \(text.debugDescription): RecordMatcher picks \(applied), SQLite picks \(inSQL) for \(filter)")
    expect(Set(inMemory) == Set(applied), "input \(text.debugDescription): matches() and apply(to:) disagree")
  }
  if let key = try? parser.parseSort(text) {
    let query = RecordQuery(sort: [key])
    let inMemory = RecordMatcher(query).apply(to: fixture.records).map(\.id)
    let inSQL = sqliteIDs(query, text: text)
    expect(
      inMemory == inSQL,
      "input \(text.debugDescription): RecordMatcher orders \(inMemory), SQLite orders \(inSQL) for \(key)")
  }
  if let paths = try? parser.parseFields(text) {
    for record in fixture.records {
      for path in paths { _ = record.value(at: path) }
    }
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  check(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

#if FUZZING
  // SwiftPM links every executable with `--defsym main=FuzzWhereParser_main`, so the entry point must
  // have that name; it hands over to libFuzzer's driver.
  @_cdecl("FuzzWhereParser_main")
  func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
  }
#else
  /// Without libFuzzer (a plain `swift build`), replays the files named on the command line.
  @main
  enum Replay {
    static func main() throws { try replayFiles(check) }
  }
#endif
