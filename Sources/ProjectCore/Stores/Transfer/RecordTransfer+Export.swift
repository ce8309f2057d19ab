extension RecordTransfer {
  /// How an export treats a JSON file that already holds records.
  public enum ExportMode: Sendable {
    /// Refuse when the file holds records the export would drop or change.
    case safe
    /// Keep the file's other records; the exported ones win on the same id.
    case merge
    /// Write exactly the export, keeping the old file as `<file>.bak`.
    case replace
  }

  /// What an export into a JSON file adds, changes, leaves and drops, by id. The file's
  /// records the export does not hold are dropped, or kept by a merge.
  public struct ExportPlan: Equatable {
    public var added: [String] = []
    public var changed: [String] = []
    public var unchanged: [String] = []
    public var dropped: [String] = []
    public var kept: [String] = []
    /// How many ids each kind has, where a list keeps only its first `sampleSize` (an export
    /// that writes keeps a few ids to name, not one a record); empty when the lists are whole.
    private var counts: [Kind: Int] = [:]
    var sampleSize: Int?
    public init() {}

    public enum Kind: Hashable, Sendable {
      case added, changed, unchanged, dropped, kept
    }

    private static func list(_ kind: Kind) -> WritableKeyPath<ExportPlan, [String]> {
      switch kind {
      case .added: \.added
      case .changed: \.changed
      case .unchanged: \.unchanged
      case .dropped: \.dropped
      case .kept: \.kept
      }
    }

    /// How many ids of this kind the export has.
    public func count(_ kind: Kind) -> Int { counts[kind] ?? self[keyPath: Self.list(kind)].count }

    mutating func note(_ id: String, as kind: Kind) {
      let list = Self.list(kind)
      if let sampleSize {
        counts[kind, default: 0] += 1
        if self[keyPath: list].count >= sampleSize { return }
      }
      self[keyPath: list].append(id)
    }
  }

  public struct ExportResult {
    public var exported = 0
    public var plan: ExportPlan?
    public var path: String?
  }

  static func idList(_ ids: [String]) -> String {
    ids.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (ids.count > 5 ? ", ..." : "")
  }

  /// Exports the store's records into a JSON file in the store shape (`{ "<id>": record }`),
  /// by default the service's own JSON store file, under its lock.
  ///
  /// From a store that streams raw rows (`RawRowStreaming`, SQLite), rows go to the file without
  /// being built into records: each `data` column is checked, then re-indented into place; from
  /// any other store, each record's fields are written compact first. A record whose new text equals the file's is
  /// unchanged; otherwise both are read and compared as values.
  public func exportJSON(from source: RecordStore, to path: String, mode: ExportMode, dryRun: Bool) throws
    -> ExportResult
  {
    var destination = definition
    let ownFile = path == definition.stores.json.path
    if !ownFile {
      // A file named on the command line is where the user wants it, inside data_dir or not.
      destination.stores.json.path = path
      destination.stores.json.confinement = nil
    }
    // Nothing but the export (and `.bak` with --replace) is left beside the user's file.
    let file = JSONFileStore(service: destination, createsLockFile: ownFile)
    if dryRun {
      return try exportJSON(from: source, into: file, existing: try file.scan(), mode: mode, dryRun: true)
    }
    return try file.withLock {
      try exportJSON(from: source, into: file, existing: try file.scan(), mode: mode, dryRun: false)
    }
  }

  private func exportJSON(
    from source: RecordStore, into file: JSONFileStore, existing: JSONStoreFile?, mode: ExportMode, dryRun: Bool
  ) throws -> ExportResult {
    let path = file.path
    var result = ExportResult(path: path)
    var plan = ExportPlan()
    // A dry run prints the ids; a real export names a few.
    if !dryRun { plan.sampleSize = 10 }
    // The file's entries the export holds too, one bit each.
    var seen = [Bool](repeating: false, count: existing?.count ?? 0)
    // Safe and replace write the export as it streams; merge needs the file's order first.
    let streaming = !dryRun && mode != .merge
    var writer: AtomicFileWriter?
    if streaming {
      do throws(FileSystemError) { writer = try AtomicFileWriter(path: path) } catch { throw StoreError.io(error) }
    }
    var chunk: [UInt8] = [UInt8(ascii: "{")]
    var merged: [ByteString: [UInt8]] = [:]
    var added: [String] = []
    var value: [UInt8] = []
    try Self.forEachRow(of: source) { id, data, createdAt, updatedAt in
      value.removeAll(keepingCapacity: true)
      Self.encodeValue(id: id, data: data, createdAt: createdAt, updatedAt: updatedAt, to: &value)
      if let existing, let i = try existing.position(of: id) {
        seen[i] = true
        let same = try existing.text(i) == value || Self.sameRecord(existing.record(i), value, id: id)
        if same {
          plan.note(id, as: .unchanged)
        } else {
          plan.note(id, as: .changed)
        }
      } else {
        plan.note(id, as: .added)
        if mode == .merge { added.append(id) }
      }
      if streaming {
        if result.exported > 0 { chunk.append(UInt8(ascii: ",")) }
        chunk.append(contentsOf: "\n  ".utf8)
        JSONWriter.writeString(id, to: &chunk)
        chunk.append(contentsOf: ": ".utf8)
        chunk.append(contentsOf: value)
        if chunk.count >= 1 << 20 {
          do throws(FileSystemError) { try writer?.write(chunk) } catch { throw StoreError.io(error) }
          chunk.removeAll(keepingCapacity: true)
        }
      } else if mode == .merge && !dryRun {
        merged[ByteString(id)] = value
      }
      result.exported += 1
      if result.exported % 1000 == 0 { progress?(result.exported) }
    }
    if let existing {
      try existing.forEachEntry(seen.indices.lazy.filter { !seen[$0] }) { _, id, _ in
        plan.note(id, as: mode == .merge ? .kept : .dropped)
      }
    }
    result.plan = plan
    if mode == .safe && (!plan.dropped.isEmpty || !plan.changed.isEmpty) && !dryRun {
      var parts: [String] = []
      if !plan.dropped.isEmpty {
        parts.append(
          "drop \(Plural.records(plan.count(.dropped))) found only in the file (\(Self.idList(plan.dropped)))")
      }
      if !plan.changed.isEmpty {
        parts.append("change \(Plural.records(plan.count(.changed))) (\(Self.idList(plan.changed)))")
      }
      throw TransferError(
        "export refused: it would \(parts.joined(separator: " and ")) in \(Path.display(path)); nothing written; use --merge to keep them (the database wins on the same id), --replace to overwrite (the old file is kept as .bak), or --dry-run to see the plan"
      )
    }
    if dryRun { return result }
    if mode == .merge {
      // The file's records in its order, SQLite's text where it has the id, then the new ones.
      var out: [UInt8] = [UInt8(ascii: "{")]
      var count = 0
      func entry(_ id: String, _ text: some Sequence<UInt8>) {
        if count > 0 { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: "\n  ".utf8)
        JSONWriter.writeString(id, to: &out)
        out.append(contentsOf: ": ".utf8)
        out.append(contentsOf: text)
        count += 1
      }
      try existing?.forEachEntry(existing?.entries.indices ?? 0..<0) { _, id, text in
        entry(id, merged[ByteString(id)] ?? Array(text))
      }
      for id in added { if let text = merged[ByteString(id)] { entry(id, text) } }
      out.append(contentsOf: count == 0 ? "}\n".utf8 : "\n}\n".utf8)
      try file.write(out, replacing: existing != nil)
      return result
    }
    chunk.append(contentsOf: result.exported == 0 ? "}\n".utf8 : "\n}\n".utf8)
    do throws(FileSystemError) {
      if mode == .replace && FileSystem.exists(path) { try FileSystem.copy(path, to: path + ".bak") }
      try writer?.write(chunk)
      try writer?.commit(replacing: existing != nil)
    } catch {
      throw StoreError.io(error)
    }
    return result
  }

  /// Each record of `source` as `RawRowStreaming.forEachRow` gives it, by that ability when the
  /// store has it.
  static func forEachRow(of source: RecordStore, _ body: RawRowBody) throws {
    if let raw = source as? RawRowStreaming { return try raw.forEachRow(body) }
    var data: [UInt8] = []
    try source.forEach(.all) { record in
      data.removeAll(keepingCapacity: true)
      JSONWriter.write(.object(record.fields), to: &data, style: .compact, indent: 0)
      try data.withUnsafeBufferPointer { try body(record.id, $0, record.createdAt, record.updatedAt) }
    }
  }

  /// A record's value as the store file holds it: `id`, the `data` members, the timestamps.
  static func encodeValue(
    id: String, data: UnsafeBufferPointer<UInt8>, createdAt: String, updatedAt: String, to out: inout [UInt8]
  ) {
    RecordText.splice(
      id: id, data: data, createdAt: createdAt, updatedAt: updatedAt, style: .pretty, indent: 1, to: &out)
  }

  static func sameRecord(_ stored: Record, _ text: [UInt8], id: String) throws -> Bool {
    guard let value = try? JSONReader.parse(text),
      let exported = try? Record(json: value, key: id, defaultTimestamp: "")
    else { return false }
    return stored == exported
  }

  /// Streams the store's records as NDJSON or CSV to a file (atomically) or to standard output.
  public func exportStream(from source: RecordStore, format: RecordFileFormat, to path: String?, replace: Bool) throws
    -> ExportResult
  {
    var result = ExportResult(path: path)
    var writer: AtomicFileWriter?
    if let path {
      if FileSystem.exists(path) {
        guard replace else {
          throw TransferError(
            "export refused: \(Path.display(path)) already exists; nothing written; use --replace to overwrite it (the old file is kept as .bak)"
          )
        }
      }
      do throws(FileSystemError) {
        try FileSystem.createDirectories(Path.directory(of: path))
        // What killed exports to this file (or its `.bak` copy) left behind.
        FileSystem.removeStaleTempFiles(besides: [path, path + ".bak"])
        writer = try AtomicFileWriter(path: path)
      } catch { throw StoreError.io(error) }
    }
    var chunk: [UInt8] = []
    func emit(force: Bool) throws {
      guard force || chunk.count >= 1 << 16 else { return }
      if let writer {
        do throws(FileSystemError) { try writer.write(chunk) } catch { throw StoreError.io(error) }
      } else {
        FileSystem.writeStandard(chunk)
      }
      chunk.removeAll(keepingCapacity: true)
    }
    let schema = definition.schema
    let columns = (["id"] + schema.fieldNames + ["created_at", "updated_at"]).map { FieldPath([$0]) }
    if format == .csv {
      chunk.append(contentsOf: CSVCodec.row(columns.map(\.description)).utf8)
    }
    func written() throws {
      result.exported += 1
      if result.exported % 1000 == 0 { progress?(result.exported) }
      try emit(force: false)
    }
    if format != .csv, let raw = source as? RawRowStreaming {
      // NDJSON from the stored text, as `list -o ndjson` writes it.
      let text = RecordText(fieldOrder: schema.fieldNames)
      try raw.forEachRow { id, data, createdAt, updatedAt in
        text.write(
          id: id, data: data, createdAt: createdAt, updatedAt: updatedAt, style: .compact, indent: 0, to: &chunk)
        chunk.append(0x0A)
        try written()
      }
    } else {
      try source.forEach(.all) { record in
        switch format {
        case .csv: chunk.append(contentsOf: CSVCodec.row(record, columns: columns, schema: schema).utf8)
        default:
          JSONWriter.writeObject(
            record.orderedJSON(fieldOrder: schema.fieldNames), to: &chunk, style: .compact, indent: 0)
          chunk.append(0x0A)
        }
        try written()
      }
    }
    try emit(force: true)
    if let writer, let path {
      if replace && FileSystem.exists(path) {
        do throws(FileSystemError) { try FileSystem.copy(path, to: path + ".bak") } catch { throw StoreError.io(error) }
      }
      do throws(FileSystemError) { try writer.commit() } catch { throw StoreError.io(error) }
    }
    return result
  }
}
