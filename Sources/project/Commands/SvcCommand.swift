import ArgumentParser
import ProjectCore

/// `project svc <service> <action> ...`: the record commands, with flags from the schema.
struct SvcCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "svc",
    abstract: "Record commands for one service: add, get, list, count, update, delete, export, import, diff.",
    discussion: "Run 'project svc <service> <action> --help' for the flags a service's schema gives."
  )

  @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("<service> <action> [options]", valueName: "arguments"))
  var arguments: [String] = []

  mutating func run() throws {
    let arguments = GlobalArguments.extract(self.arguments, anywhere: true)
    if arguments.last == "--manifest" && !arguments.contains("--") {
      throw CommandFailure.usage("missing value for '--manifest' (path); see 'project --help'")
    }
    // The named service alone is built (the others are checked); help without one lists them all.
    let named = arguments.first.flatMap { $0.hasPrefix("-") ? nil : $0 }
    let manifest: Manifest
    do {
      manifest = try ManifestOptions.load(explicit: nil, only: named)
    } catch let error as ManifestError where arguments.first == "-h" || arguments.first == "--help" {
      // Help needs no project: outside one, it shows the actions, and why no services are listed.
      print(Self.overview(nil, problem: error.description))
      return
    }
    let serviceNames = manifest.serviceNames
    guard let serviceName = arguments.first, !serviceName.hasPrefix("-") else {
      if arguments.first == "-h" || arguments.first == "--help" {
        print(Self.overview(manifest))
        return
      }
      throw CommandFailure.usage("missing service name; services: \(serviceNames.joined(separator: ", "))")
    }
    guard let service = manifest.service(named: serviceName) else {
      throw ServiceSelection.unknownService(serviceName, in: manifest)
    }
    let actionNames = ServiceAction.allCases.map(\.rawValue)
    guard arguments.count >= 2, !arguments[1].hasPrefix("-") || arguments[1] == "-h" || arguments[1] == "--help" else {
      throw CommandFailure.usage(
        "missing action for service '\(service.name)'; actions: \(actionNames.joined(separator: ", "))")
    }
    if arguments[1] == "-h" || arguments[1] == "--help" {
      print(Self.overview(manifest, only: service))
      return
    }
    guard let action = ServiceAction(rawValue: arguments[1]) else {
      var message = "unknown action '\(arguments[1])'"
      if let near = Suggestion.nearest(to: arguments[1], in: actionNames) {
        message += "; did you mean '\(near)'?"
      } else {
        message += "; actions: \(actionNames.joined(separator: ", "))"
      }
      throw CommandFailure.usage(message)
    }
    let commandLine = ServiceCommandLine(service: service, action: action)
    let parsed = try commandLine.parse(Array(arguments.dropFirst(2)))
    if parsed.flag("help") {
      print(commandLine.help)
      return
    }
    try ServiceRunner(manifest: manifest, service: service, action: action, arguments: parsed).run()
  }

  static func overview(_ manifest: Manifest?, only: ServiceDefinition? = nil, problem: String? = nil) -> String {
    var lines = ["USAGE: project svc <service> <action> [options]", "", "SERVICES:"]
    for service in manifest?.services ?? [] where only == nil || only?.name == service.name {
      lines.append("  \(service.name)" + (service.description.map { " - \($0)" } ?? ""))
    }
    if let problem { lines.append("  (none listed: \(problem))") }
    lines.append("")
    lines.append("ACTIONS:")
    for action in ServiceAction.allCases {
      let name = action.rawValue
      lines.append("  \(name)" + String(repeating: " ", count: max(1, 10 - name.count)) + action.abstract)
    }
    lines.append("")
    lines.append("Run 'project svc <service> <action> --help' for the action's options and the service's fields.")
    lines.append("Global option, before or after the action: --manifest <path>.")
    return lines.joined(separator: "\n")
  }
}
