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
    guard ["table", "json"].contains(output) else {
      throw ValidationError("invalid value '\(output)' for '--output'; expected table or json")
    }
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
      for backend in service.backends {
        let store = records.store(backend)
        var info = JSONObject()
        switch backend {
        case .json:
          info["path"] = .string(service.stores.json.path)
        case .sqlite:
          info["path"] = .string(service.stores.sqlite.path)
          info["table"] = .string(service.stores.sqlite.table)
        case .postgres:
          info["server"] = .string("PostgreSQL")
          info["table"] = .string(
            "\(service.stores.postgres?.schema ?? "public").\(service.stores.postgres?.table ?? "")")
        }
        do {
          info["records"] = .integer(Int64(try store.count(.all)))
        } catch {
          info["records"] = .null
          info["error"] = .string("\(error)")
          failures.append("\(service.name) [\(backend.rawValue)]: \(error)")
        }
        info["last_written"] =
          (try? store.lastModified()).flatMap { $0 }.map { .string(Timestamp.format(milliseconds: $0)) } ?? .null
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
        var store = info["path"]?.stringValue.map(Path.display) ?? info["server"]?.stringValue ?? ""
        if let table = info["table"]?.stringValue { store += " (table \(table))" }
        table.append([
          row["name"]?.stringValue ?? "", backend.rawValue, count, info["last_written"]?.stringValue ?? "never", store,
        ])
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
