import ArgumentParser
import ProjectCore

#if canImport(Glibc)
import Glibc
#endif

/// `project services`: the declared services, their stores, record counts and last writes.
struct ServicesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "services", abstract: "List the declared services, their stores and record counts.")

  @OptionGroup var manifestOptions: ManifestOptions
  @Option(name: [.short, .customLong("output")], help: "Output format: table or json.")
  var output: String = "table"

  func validate() throws {
    guard ["table", "json"].contains(output) else { throw ValidationError("invalid value '\(output)' for '--output'; expected table or json") }
  }

  func run() throws {
    let manifest = try manifestOptions.load()
    var rows: [JSONObject] = []
    // A store that cannot be read shows `error` in its row, and its error on stderr; the
    // command then exits 1, so that a script sees the failure.
    var failures: [String] = []
    for service in manifest.services {
      let records = RecordService(definition: service)
      var row = JSONObject()
      row["name"] = .string(service.name)
      row["description"] = service.description.map(JSONValue.string) ?? .null
      for backend in Backend.allCases {
        let store = records.store(backend)
        var info = JSONObject()
        if backend == .json {
          info["path"] = .string(service.stores.json.path)
        } else {
          info["path"] = .string(service.stores.sqlite.path)
          info["table"] = .string(service.stores.sqlite.table)
        }
        do {
          info["records"] = .integer(Int64(try store.count(.all)))
        } catch {
          info["records"] = .null
          info["error"] = .string("\(error)")
          failures.append("\(service.name) [\(backend.rawValue)]: \(error)")
        }
        info["last_written"] = (try? store.lastModified()).flatMap { $0 }.map { .string(Timestamp.format(milliseconds: $0)) } ?? .null
        row[backend.rawValue] = .object(info)
      }
      rows.append(row)
    }
    if output == "json" {
      print(JSONWriter.string(.array(rows.map(JSONValue.object)), style: .pretty))
      try fail(failures)
      return
    }
    var lines = ["SERVICE  BACKEND  RECORDS  LAST WRITTEN  STORE"]
    var table: [[String]] = []
    for row in rows {
      for backend in Backend.allCases {
        guard case .object(let info)? = row[backend.rawValue] else { continue }
        let count: String
        switch info["records"] {
        case .integer(let n)?: count = String(n)
        default: count = "error"
        }
        var store = Path.display(info["path"]?.stringValue ?? "")
        if let table = info["table"]?.stringValue { store += " (table \(table))" }
        table.append([row["name"]?.stringValue ?? "", backend.rawValue, count, info["last_written"]?.stringValue ?? "never", store])
      }
    }
    lines = [TextTable.render(header: ["SERVICE", "BACKEND", "RECORDS", "LAST WRITTEN", "STORE"], rows: table)]
    print(lines.joined(separator: "\n"), terminator: "")
    try fail(failures)
  }

  func fail(_ failures: [String]) throws {
    guard !failures.isEmpty else { return }
    fflush(nil)
    throw CommandFailure.failure(failures.joined(separator: "\n"))
  }
}

/// Plain aligned columns.
enum TextTable {
  static func render(header: [String], rows: [[String]]) -> String {
    // The same rule as the record tables: control characters are shown escaped.
    let rows = rows.map { $0.map(TerminalText.escapingControls) }
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, cell in i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count) }.joined(separator: "  ")
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
  }
}

/// `project check [--data]`: the manifest, and with --data every stored record.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Check the manifest; with --data, every stored record in both backends against its schema.")

  @OptionGroup var manifestOptions: ManifestOptions
  @Flag(help: "Also read every record of every service in both backends and check it.")
  var data = false

  func run() throws {
    let manifest = try manifestOptions.load()
    print("\(Path.display(manifest.path)): ok, \(manifest.services.count) service\(manifest.services.count == 1 ? "" : "s")")
    guard data else { return }
    var failures = 0
    for service in manifest.services {
      let records = RecordService(definition: service)
      for backend in Backend.allCases {
        let store = records.store(backend)
        do {
          var bad: [String] = []
          let all = try store.list(.all)
          for record in all {
            let (_, issues) = records.validated(record)
            for issue in issues { bad.append("  \(record.id): \(issue)") }
          }
          failures += bad.count
          print("\(service.name) [\(backend.rawValue)] \(store.location): \(all.count) records, " + (bad.isEmpty ? "all valid" : "\(bad.count) problems"))
          if !bad.isEmpty { print(bad.joined(separator: "\n")) }
        } catch {
          failures += 1
          print("\(service.name) [\(backend.rawValue)] \(store.location): cannot be read: \(error)")
        }
      }
    }
    if failures > 0 {
      throw CommandFailure.failure("\(failures) problem\(failures == 1 ? "" : "s") found in stored records")
    }
  }
}

/// `project init [DIR]`: a starter manifest and data folders; never overwrites.
struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init", abstract: "Write a commented starter project.yaml and the data folders (never overwrites).")

  @Argument(help: "The folder to set up (default: the current folder).")
  var directory: String = "."

  func run() throws {
    let folder = Path.normalize(Path.join(FileSystem.currentDirectory(), directory))
    let manifestPath = Path.join(folder, ManifestLoader.fileName)
    if FileSystem.exists(manifestPath) {
      throw CommandFailure.failure("\(Path.display(manifestPath)) already exists; init never overwrites it")
    }
    try FileSystem.createDirectories(Path.join(folder, "data/json"))
    try FileSystem.createDirectories(Path.join(folder, "data/db"))
    try FileSystem.writeAtomically(Array(StarterManifest.text.utf8), to: manifestPath)
    print("wrote \(Path.display(manifestPath)) and \(Path.display(Path.join(folder, "data")))/{json,db}")
  }
}
