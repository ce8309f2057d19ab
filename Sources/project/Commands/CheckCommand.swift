import ArgumentParser
import ProjectCore

#if canImport(Glibc)
  import Glibc
#endif

/// `project check [--data [SERVICE...]]`: the manifest, and with --data every stored record.
/// Any record that fails its schema, or a store that cannot be read, is exit 1, so that a cron
/// job or a script sees it.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Check the manifest; with --data, every stored record against its schema (exit 1 on any problem).")

  @OptionGroup var manifestOptions: ManifestOptions
  @Flag(help: "Also read every record of the services (default: all) in every backend and check it.")
  var data = false
  @Option(
    help: ArgumentHelp(
      "With --data: only this store (\(Backend.allCases.map(\.rawValue).joined(separator: "|"))).",
      valueName: "backend"))
  var backend: String?
  @Option(
    name: [.short, .customLong("output")], help: "Output format: table or json (with --data, one entry per problem).")
  var output: String = "table"
  @Argument(help: ArgumentHelp("With --data: the services to check (default: all).", valueName: "service"))
  var services: [String] = []

  func validate() throws {
    guard ["table", "json"].contains(output) else {
      throw ValidationError("invalid value '\(output)' for '--output'; expected table or json")
    }
    if !data && (!services.isEmpty || backend != nil) {
      throw ValidationError("services and --backend choose what 'check --data' reads; add --data")
    }
  }

  /// One stored record that fails its schema, or a store that cannot be read (no id, no path).
  struct Problem {
    var service: String
    var backend: Backend
    var id: String?
    var path: FieldPath?
    var message: String

    var json: JSONValue {
      var object = JSONObject()
      object["service"] = .string(service)
      object["backend"] = .string(backend.rawValue)
      object["id"] = id.map(JSONValue.string) ?? .null
      object["path"] = path.map { .string($0.description) } ?? .null
      object["message"] = .string(message)
      return .object(object)
    }
  }

  func run() throws {
    let manifest = try manifestOptions.load()
    let summary =
      "\(Path.display(manifest.path)): ok, \(manifest.services.count) service\(manifest.services.count == 1 ? "" : "s")"
    guard data else {
      print(output == "json" ? JSONWriter.string(.array([]), style: .pretty) : summary)
      return
    }
    let services = try ServiceSelection.services(self.services, in: manifest)
    let backends = try ServiceSelection.backends(backend)
    if output == "table" { print(summary) }
    var problems: [Problem] = []
    for service in services {
      let records = RecordService(definition: service)
      for backend in backends where service.backends.contains(backend) {
        let store = records.store(backend)
        var found: [Problem] = []
        var count = 0
        do {
          try store.forEach(.all) { record in
            count += 1
            for issue in records.validated(record).1 {
              found.append(
                Problem(
                  service: service.name, backend: backend, id: record.id, path: issue.path, message: issue.message))
            }
          }
        } catch {
          found.append(Problem(service: service.name, backend: backend, id: nil, path: nil, message: "\(error)"))
          if output == "table" {
            print("\(service.name) [\(backend.rawValue)] \(store.location): cannot be read: \(error)")
          }
          problems += found
          continue
        }
        problems += found
        guard output == "table" else { continue }
        print(
          "\(service.name) [\(backend.rawValue)] \(store.location): \(Plural.records(count)), "
            + (found.isEmpty ? "all valid" : Self.problems(found.count)))
        for problem in found {
          print(
            "  \(problem.id ?? ""): \(ValidationIssue(path: problem.path ?? FieldPath([]), message: problem.message))")
        }
      }
    }
    if output == "json" { print(JSONWriter.string(.array(problems.map(\.json)), style: .pretty)) }
    if !problems.isEmpty {
      throw CommandFailure.failure("\(Self.problems(problems.count)) found in stored records")
    }
  }

  /// "1 problem", "2 problems".
  static func problems(_ count: Int) -> String { count == 1 ? "1 problem" : "\(count) problems" }
}
