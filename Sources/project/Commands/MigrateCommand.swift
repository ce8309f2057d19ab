import ArgumentParser
import ProjectCore

#if canImport(Glibc)
  import Glibc
#endif

/// `project migrate`: brings stored records in line with the manifest, all or nothing per store.
struct MigrateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "migrate",
    abstract: "Bring stored records in line with the manifest, all or nothing per store.",
    discussion: """
      Fills missing required fields that have a default, moves values from a field's \
      renamed_from: names, converts values whose type changed where nothing is lost, and with \
      --drop-unknown drops fields the schema no longer names. When any record of a store cannot \
      be brought in line, nothing is written to that store and the command exits 1. A JSON store \
      file is kept as <file>.bak before it is rewritten.
      """)

  @OptionGroup var manifestOptions: ManifestOptions
  @Argument(help: "The services to migrate (default: every service).")
  var services: [String] = []
  @Option(
    help: ArgumentHelp(
      "Migrate only this backend's stores.", valueName: Backend.allCases.map(\.rawValue).joined(separator: "|")))
  var backend: String?
  @Flag(help: "Print the plan and write nothing; exit 1 when a record cannot be migrated.")
  var dryRun = false
  @Flag(help: "Drop fields the schema no longer names (without it, such records are not migrated).")
  var dropUnknown = false
  @Option(name: [.short, .customLong("output")], help: "Output format: table or json.")
  var output: String = "table"

  func validate() throws {
    guard ["table", "json"].contains(output) else {
      throw ValidationError("invalid value '\(output)' for '--output'; expected table or json")
    }
    if let backend, Backend(rawValue: backend) == nil {
      throw ValidationError(
        "invalid value '\(backend)' for '--backend'; expected json, sqlite or postgres"
      )
    }
  }

  /// What happened to one store.
  struct Outcome {
    var service: String
    var backend: Backend
    var location: String
    var plan = RecordMigration.Plan()
    var staleIndexes: [String] = []
    var written = false
    var error: String?

    var name: String { "\(service) \(backend.rawValue)" }
    var hasWork: Bool { !plan.changed.isEmpty || !staleIndexes.isEmpty }
  }

  func run() throws {
    let manifest = try manifestOptions.load()
    let names = manifest.services.map(\.name)
    for name in services where manifest.service(named: name) == nil {
      var message = "unknown service '\(name)' in \(Path.display(manifest.path))"
      message +=
        Suggestion.nearest(to: name, in: names).map { "; did you mean '\($0)'?" }
        ?? "; services: \(names.joined(separator: ", "))"
      throw CommandFailure.usage(message)
    }
    let chosen = services.isEmpty ? manifest.services : manifest.services.filter { services.contains($0.name) }
    let only = backend.flatMap(Backend.init(rawValue:))
    if let only, chosen.contains(where: { !$0.backends.contains(only) }) {
      throw CommandFailure.usage(CommandFailure.noStore(only))
    }
    let now = Timestamp.now()
    var outcomes: [Outcome] = []
    for definition in chosen {
      let records = RecordService(definition: definition)
      let migration = RecordMigration(service: records, dropUnknown: dropUnknown, now: now)
      // Without --backend, every store the service has: PostgreSQL only where a server is named.
      for backend in only.map({ [$0] }) ?? definition.backends {
        let store = records.store(backend)
        var outcome = Outcome(service: definition.name, backend: backend, location: store.location)
        do {
          // Only stores that hold records: a migration has nothing to do in the others.
          guard try store.count(.all) > 0 else { continue }
          guard let rewriting = store as? RecordRewriting else {
            outcome.error = "\(outcome.name): \(store.location) cannot be migrated: its store cannot rewrite records"
            outcomes.append(outcome)
            continue
          }
          outcome.staleIndexes = try rewriting.staleIndexes()
          if dryRun {
            outcome.plan = migration.plan(try store.list(.all))
          } else {
            do {
              outcome.plan = try migration.apply(to: rewriting)
              outcome.written = outcome.hasWork
            } catch let blocked as RecordMigration.Blocked {
              outcome.plan = blocked.plan
            }
          }
        } catch {
          outcome.error = "\(outcome.name): \(error)"
        }
        outcomes.append(outcome)
      }
    }
    if output == "json" {
      print(JSONWriter.string(.array(outcomes.map { .object(json($0)) }), style: .pretty))
    } else {
      let lines = outcomes.flatMap(lines(for:))
      print(lines.isEmpty ? "nothing to migrate" : lines.joined(separator: "\n"))
    }
    try fail(outcomes)
  }

  /// The plan of one store, a line per change, then what stops it, then what was done.
  func lines(for outcome: Outcome) -> [String] {
    if outcome.error != nil { return [] }
    var lines: [String] = []
    for (change, count) in outcome.plan.changes {
      lines.append("\(outcome.name): \(change) in \(Plural.groupedRecords(count))")
    }
    for index in outcome.staleIndexes {
      lines.append("\(outcome.name): drop the index \"\(index)\", which the manifest no longer declares")
    }
    let unfixable = outcome.plan.unfixable
    if !unfixable.isEmpty {
      let ids = Set(unfixable.map { ByteString($0.id) }).count
      lines.append(
        "\(outcome.name): \(Plural.groupedRecords(ids)) cannot be migrated\(dryRun ? "" : "; nothing was written to \(outcome.location)"):"
      )
      lines += unfixable.map { "  record '\($0.id)': \($0.issue)" }
    } else if !outcome.hasWork {
      lines.append("\(outcome.name): nothing to migrate in \(Plural.groupedRecords(outcome.plan.records))")
    } else if outcome.written {
      lines.append(
        "\(outcome.name): \(Plural.groupedRecords(outcome.plan.changed.count)) migrated in \(outcome.location)")
    }
    return lines
  }

  func json(_ outcome: Outcome) -> JSONObject {
    var object = JSONObject([
      ("service", .string(outcome.service)), ("backend", .string(outcome.backend.rawValue)),
      ("location", .string(outcome.location)),
    ])
    if let error = outcome.error {
      object["error"] = .string(error)
      return object
    }
    object["records"] = .integer(Int64(outcome.plan.records))
    object["changes"] = .array(
      outcome.plan.changes.map { change, count in
        var entry = change.json
        entry["records"] = .integer(Int64(count))
        return .object(entry)
      })
    object["drop_indexes"] = .array(outcome.staleIndexes.map(JSONValue.string))
    object["unfixable"] = .array(
      outcome.plan.unfixable.map { (item: RecordMigration.Unfixable) -> JSONValue in
        .object(
          JSONObject([
            ("id", .string(item.id)), ("path", .string("\(item.issue.path)")), ("message", .string(item.issue.message)),
          ]))
      })
    object["migrated"] = .integer(Int64(outcome.written ? outcome.plan.changed.count : 0))
    object["written"] = .bool(outcome.written)
    return object
  }

  /// Exit 1, with one sentence per store that failed or holds records that cannot be migrated.
  func fail(_ outcomes: [Outcome]) throws {
    var messages = outcomes.compactMap { $0.error }
    let blocked = outcomes.filter { !$0.plan.unfixable.isEmpty }
    if !blocked.isEmpty {
      let count = blocked.map { Set($0.plan.unfixable.map { ByteString($0.id) }).count }.reduce(0, +)
      let stores = blocked.map(\.name).joined(separator: ", ")
      messages.append(
        "\(Plural.groupedRecords(count)) cannot be migrated (\(stores)), listed above; "
          + (dryRun
            ? "fix them, or the manifest, before migrating"
            : "nothing was written to \(blocked.count == 1 ? "that store" : "those stores")"))
    }
    guard !messages.isEmpty else { return }
    FileSystem.flushStandardOutput()
    throw CommandFailure.failure(messages.joined(separator: "\n"))
  }
}
