import ArgumentParser
import ProjectCore

#if canImport(Glibc)
  import Glibc
#endif

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
    print(
      "\(Path.display(manifest.path)): ok, \(manifest.services.count) service\(manifest.services.count == 1 ? "" : "s")"
    )
    guard data else { return }
    var failures = 0
    for service in manifest.services {
      let records = RecordService(definition: service)
      for backend in service.backends {
        let store = records.store(backend)
        do {
          var bad: [String] = []
          let all = try store.list(.all)
          for record in all {
            let (_, issues) = records.validated(record)
            for issue in issues { bad.append("  \(record.id): \(issue)") }
          }
          failures += bad.count
          print(
            "\(service.name) [\(backend.rawValue)] \(store.location): \(all.count) records, "
              + (bad.isEmpty ? "all valid" : "\(bad.count) problems"))
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
