import ProjectCore

/// Services and backends named on a command line (`check --data`, `backup`), checked against the
/// manifest: an unknown name is a usage error with the near miss.
enum ServiceSelection {
  /// `; did you mean 'x'?` for the nearest of `names`, else `; <listing> a, b` naming them all.
  static func nearMiss(_ text: String, in names: [String], listing: String) -> String {
    if let near = Suggestion.nearest(to: text, in: names) { return "; did you mean '\(near)'?" }
    return "; \(listing) \(names.joined(separator: ", "))"
  }

  /// The usage error for a service name the manifest does not declare.
  static func unknownService(_ name: String, in manifest: Manifest) -> CommandFailure {
    .usage(
      "unknown service '\(name)' in \(Path.display(manifest.path))"
        + nearMiss(name, in: manifest.serviceNames, listing: "services:"))
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
      throw CommandFailure.usage(
        "invalid value '\(name)' for '--backend'"
          + nearMiss(name, in: Backend.allCases.map(\.rawValue), listing: "expected one of"))
    }
    return [backend]
  }
}
