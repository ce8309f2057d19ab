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

  /// What an export into a JSON file adds, changes, leaves and drops, by id.
  public struct ExportPlan: Equatable {
    public var added: [String] = []
    public var changed: [String] = []
    public var unchanged: [String] = []
    public var dropped: [String] = []
    public init() {}
  }

  public struct ExportResult {
    public var exported = 0
    public var plan: ExportPlan?
    public var path: String?
  }

  /// Compares the exported records with those already in the file.
  public static func plan(existing: [Record], exported: [Record]) -> ExportPlan {
    var plan = ExportPlan()
    var old: [String: Record] = [:]
    for record in existing { old[record.id] = record }
    var exportedIDs: Set<String> = []
    for record in exported {
      exportedIDs.insert(record.id)
      if let previous = old[record.id] {
        if previous == record { plan.unchanged.append(record.id) } else { plan.changed.append(record.id) }
      } else {
        plan.added.append(record.id)
      }
    }
    plan.dropped = existing.map(\.id).filter { !exportedIDs.contains($0) }
    return plan
  }

  static func idList(_ ids: [String]) -> String {
    ids.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (ids.count > 5 ? ", ..." : "")
  }

  /// Exports the store's records into a JSON file in the store shape (`{ "<id>": record }`),
  /// by default the service's own JSON store file, under its lock.
  public func exportJSON(from source: RecordStore, to path: String, mode: ExportMode, dryRun: Bool) throws -> ExportResult {
    var destination = definition
    if path != definition.jsonPath {
      // A file named on the command line is where the user wants it, inside data_dir or not.
      destination.jsonPath = path
      destination.jsonConfinement = nil
    }
    let file = JSONFileStore(service: destination)
    let exported = try source.list(.all)
    progress?(exported.count)
    var result = ExportResult(exported: exported.count, path: path)
    if dryRun {
      result.plan = Self.plan(existing: try file.load(), exported: exported)
      return result
    }
    try file.modify { records in
      let plan = Self.plan(existing: records, exported: exported)
      result.plan = plan
      switch mode {
      case .safe:
        if !plan.dropped.isEmpty || !plan.changed.isEmpty {
          var parts: [String] = []
          if !plan.dropped.isEmpty { parts.append("drop \(Plural.records(plan.dropped.count)) found only in the file (\(Self.idList(plan.dropped)))") }
          if !plan.changed.isEmpty { parts.append("change \(Plural.records(plan.changed.count)) (\(Self.idList(plan.changed)))") }
          throw TransferError("export refused: it would \(parts.joined(separator: " and ")) in \(Path.display(path)); nothing written; use --merge to keep them (SQLite wins on the same id), --replace to overwrite (the old file is kept as .bak), or --dry-run to see the plan")
        }
        records = exported
      case .merge:
        var index: [String: Int] = [:]
        for (i, record) in records.enumerated() { index[record.id] = i }
        for record in exported {
          if let i = index[record.id] { records[i] = record } else { records.append(record) }
        }
      case .replace:
        if FileSystem.exists(path) {
          do throws(FileSystemError) { try FileSystem.copy(path, to: path + ".bak") } catch { throw StoreError.io(error) }
        }
        records = exported
      }
    }
    return result
  }

  /// Streams the store's records as NDJSON or CSV to a file (atomically) or to standard output.
  public func exportStream(from source: SQLiteStore, format: RecordFileFormat, to path: String?, replace: Bool) throws -> ExportResult {
    var result = ExportResult(path: path)
    var writer: AtomicFileWriter?
    if let path {
      if FileSystem.exists(path) {
        guard replace else {
          throw TransferError("export refused: \(Path.display(path)) already exists; nothing written; use --replace to overwrite it (the old file is kept as .bak)")
        }
      }
      do throws(FileSystemError) {
        try FileSystem.createDirectories(Path.directory(of: path))
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
    let columns = ["id"] + definition.schema.fieldNames + ["created_at", "updated_at"]
    if format == .csv {
      chunk.append(contentsOf: (columns.joined(separator: ",") + "\r\n").utf8)
    }
    try source.forEach(.all) { record in
      switch format {
      case .csv: chunk.append(contentsOf: (Self.csvRow(record, schema: definition.schema) + "\r\n").utf8)
      default:
        JSONWriter.writeObject(record.orderedJSON(fieldOrder: definition.schema.fieldNames), to: &chunk, style: .compact, indent: 0)
        chunk.append(0x0A)
      }
      result.exported += 1
      if result.exported % 1000 == 0 { progress?(result.exported) }
      try emit(force: false)
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

  /// One CSV row: text fields as they are, other values as JSON text, a missing value as an
  /// empty cell, null as an unquoted `null` (a string "null" is quoted), "" as `""`.
  static func csvRow(_ record: Record, schema: ObjectSchema) -> String {
    var cells = [CSVCodec.encode(record.id)]
    for (name, spec) in schema.fields {
      switch (record.fields[name], spec.type) {
      case (nil, _): cells.append("")
      case (.null?, _): cells.append("null")
      case (.string(let s)?, .string), (.string(let s)?, .enumeration), (.string(let s)?, .date), (.string(let s)?, .datetime):
        cells.append(CSVCodec.encode(s, alwaysQuote: s == "null"))
      case (let value?, _): cells.append(CSVCodec.encode(JSONWriter.string(value)))
      }
    }
    cells.append(CSVCodec.encode(record.createdAt))
    cells.append(CSVCodec.encode(record.updatedAt))
    return cells.joined(separator: ",")
  }
}
