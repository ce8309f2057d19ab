import ProjectCore

/// Services and backends named on a command line (`check --data`, `backup`), checked against the
/// manifest: an unknown name is a usage error with the near miss.
enum ServiceSelection {
  /// The usage error for a service name the manifest does not declare.
  static func unknownService(_ name: String, in manifest: Manifest) -> CommandFailure {
    let names = manifest.services.map(\.name)
    var message = "unknown service '\(name)' in \(Path.display(manifest.path))"
    if let near = Suggestion.nearest(to: name, in: names) {
      message += "; did you mean '\(near)'?"
    } else {
      message += "; services: \(names.joined(separator: ", "))"
    }
    return .usage(message)
  }

  /// The named services in the order given (every service when none is named).
  static func services(_ names: [String], in manifest: Manifest) throws -> [ServiceDefinition] {
    if names.isEmpty { return manifest.services }
    return try names.map { name in
      guard let service = manifest.service(named: name) else { throw unknownService(name, in: manifest) }
      return service
    }
  }

  /// The backend named by `--backend` (every backend when none is named).
  static func backends(_ name: String?) throws -> [Backend] {
    guard let name else { return Backend.allCases }
    guard let backend = Backend(rawValue: name) else {
      let names = Backend.allCases.map(\.rawValue)
      var message = "invalid value '\(name)' for '--backend'"
      if let near = Suggestion.nearest(to: name, in: names) {
        message += "; did you mean '\(near)'?"
      } else {
        message += "; expected one of \(names.joined(separator: ", "))"
      }
      throw CommandFailure.usage(message)
    }
    return [backend]
  }
}
