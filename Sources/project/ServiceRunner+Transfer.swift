import ProjectCore

/// A progress line on stderr, only when stderr is a terminal, at most a few times a second.
final class ProgressLine {
  let verb: String
  let enabled = FileSystem.isTerminal(2)
  var lastShown = 0.0
  var shown = false

  init(verb: String) { self.verb = verb }

  func update(_ count: Int) {
    guard enabled else { return }
    let now = FileSystem.monotonicSeconds()
    guard now - lastShown >= 0.2 else { return }
    lastShown = now
    shown = true
    FileSystem.writeStandard(Array("\r\(verb) \(count) records...".utf8), error: true)
  }

  func finish() {
    if shown { FileSystem.writeStandard(Array("\r\u{1B}[K".utf8), error: true) }
  }
}

extension ServiceRunner {
  func resolvePath(_ text: String) -> String {
    text == "-" ? "-" : Path.normalize(Path.join(FileSystem.currentDirectory(), text))
  }

  static func seconds(_ start: Double) -> String {
    let elapsed = FileSystem.monotonicSeconds() - start
    return elapsed < 10 ? String(Double(Int(elapsed * 100)) / 100) + " s" : String(Int(elapsed)) + " s"
  }

  /// The store `export` copies from: `--backend`, else `defaults.backend`, else SQLite when the
  /// default is the JSON store (the export's own target), so a plain `export` keeps its meaning.
  func exportSource() throws -> Backend {
    let backend = try choice("backend", default: manifest.defaultBackend == .json ? .sqlite : manifest.defaultBackend)
    if backend == .json {
      throw usage("export copies a database store into the JSON store file; --backend json has nothing to copy from")
    }
    return try available(backend)
  }

  func export() throws {
    try noPositionals()
    if arguments.flag("replace") && arguments.flag("merge") { throw usage("choose --replace or --merge, not both") }
    let to = arguments.value("to").map(resolvePath)
    // auto, as import's --format: from the extension of --to; JSON for the store file, for -,
    // and for a name without a known extension.
    let formatText = arguments.value("format") ?? "auto"
    let format: RecordFileFormat
    if formatText == "auto" {
      format = to.flatMap { $0 == "-" ? nil : RecordFileFormat.guess(path: $0) } ?? .json
    } else {
      guard let parsed = RecordFileFormat(rawValue: formatText) else {
        throw usage("invalid value '\(formatText)' for '--format'; expected auto, json, ndjson or csv")
      }
      format = parsed
    }
    if format != .json && to == nil { throw usage("--format \(format.rawValue) needs --to PATH or --to -") }
    if arguments.flag("merge") && format != .json {
      throw usage("--merge applies to JSON files; --format \(format.rawValue) cannot be merged")
    }
    let start = FileSystem.monotonicSeconds()
    let progress = ProgressLine(verb: "exported")
    defer { progress.finish() }
    let transfer = RecordTransfer(service: records, progress: progress.update)
    let source = records.store(try exportSource())
    if to == "-" {
      if arguments.flag("dry-run") { throw usage("--dry-run compares with a file; it does not apply to --to -") }
      if format == .json {
        FileSystem.writeStandard(JSONFileStore.encode(try source.list(.all), schema: service.schema))
      } else {
        _ = try transfer.exportStream(from: source, format: format, to: nil, replace: false)
      }
      return
    }
    if format != .json {
      if arguments.flag("dry-run") {
        let total = try source.count(.all)
        print(
          "would export \(Plural.records(total)) to \(Path.display(to ?? "")) as \(format.rawValue)"
            + (FileSystem.exists(to ?? "") ? ", replacing the file" : ""))
        return
      }
      let result = try transfer.exportStream(from: source, format: format, to: to, replace: arguments.flag("replace"))
      progress.finish()
      report(
        "exported \(Plural.records(result.exported)) from \(source.location) to \(Path.display(to ?? "")) in \(Self.seconds(start))"
      )
      return
    }
    let target = to ?? service.stores.json.path
    let mode: RecordTransfer.ExportMode =
      arguments.flag("replace") ? .replace : (arguments.flag("merge") ? .merge : .safe)
    let hadFile = FileSystem.exists(target)
    let result = try transfer.exportJSON(from: source, to: target, mode: mode, dryRun: arguments.flag("dry-run"))
    progress.finish()
    let plan = result.plan ?? RecordTransfer.ExportPlan()
    let counts =
      "\(plan.count(.added)) added, \(plan.count(.changed)) changed, \(plan.count(.unchanged)) unchanged, \(mode == .merge ? "\(plan.count(.kept)) kept" : "\(plan.count(.dropped)) dropped")"
    if arguments.flag("dry-run") {
      var lines = [
        "dry run: exporting \(Plural.records(result.exported)) to \(Path.display(target)) would give \(counts); nothing written"
      ]
      for (label, ids) in [
        ("added", plan.added), ("changed", plan.changed), ("dropped", plan.dropped), ("kept", plan.kept),
      ] where !ids.isEmpty {
        lines.append(
          "  \(label): " + ids.prefix(10).joined(separator: ", ") + (ids.count > 10 ? ", ... (\(ids.count))" : ""))
      }
      print(lines.joined(separator: "\n"))
      return
    }
    report(
      "exported \(Plural.records(result.exported)) from \(source.location) to \(Path.display(target)): \(counts)"
        + (mode == .replace && hadFile ? " (old file kept as .bak)" : "") + " in \(Self.seconds(start))")
  }

  func report(_ line: String) {
    FileSystem.writeStandard(Array((line + "\n").utf8), error: true)
  }

  func importRecords() throws {
    try noPositionals()
    guard arguments.value("target") != nil else { throw usage("missing '--target sqlite|json|postgres'") }
    let target: Backend = try available(try choice("target", default: .sqlite))
    let policy: ConflictPolicy = try choice("on-conflict", default: .fail)
    let formatText = arguments.value("format") ?? "auto"
    var format: RecordFileFormat?
    if formatText != "auto" {
      guard let parsed = RecordFileFormat(rawValue: formatText) else {
        throw usage("invalid value '\(formatText)' for '--format'; expected auto, json, ndjson or csv")
      }
      format = parsed
    }
    let from = arguments.value("from").map(resolvePath) ?? service.stores.json.path
    if target == .json && from == service.stores.json.path {
      throw usage("--from is the JSON store file itself; importing it into --target json would change nothing")
    }
    if from == service.stores.json.path {
      // Checked before the file is looked at: a symlink out of data_dir is not followed.
      try JSONFileStore(service: service).checkPath()
    }
    if from != "-" && !FileSystem.exists(from) {
      throw CommandFailure.failure(
        "\(Path.display(from)) does not exist"
          + (arguments.value("from") == nil ? " (the JSON store file; export to it first, or give --from PATH)" : ""))
    }
    let start = FileSystem.monotonicSeconds()
    let progress = ProgressLine(verb: "read")
    defer { progress.finish() }
    let store = records.store(target)
    let transfer = RecordTransfer(service: records, progress: progress.update)
    let dryRun = arguments.flag("dry-run")
    let result: RecordTransfer.ImportResult
    do {
      result = try transfer.importRecords(from: from, format: format, into: store, onConflict: policy, dryRun: dryRun)
    } catch let failure as RecordTransfer.ImportFailed {
      throw CommandFailure.failure(failure.description)
    }
    progress.finish()
    let s = result.summary
    let source = from == "-" ? "standard input" : Path.display(from)
    if dryRun {
      if !result.issues.isEmpty {
        throw CommandFailure.failure(RecordTransfer.ImportFailed(result: result).describe(conclusion: "dry run"))
      }
      print(
        "dry run: importing \(Plural.records(result.read)) from \(source) into \(store.location) would add \(s.added), update \(s.updated), skip \(s.skipped); nothing written"
      )
      return
    }
    report(
      "imported \(Plural.records(result.read)) from \(source) into \(store.location): \(s.added) added, \(s.updated) updated, \(s.skipped) skipped in \(Self.seconds(start))"
    )
  }
}
