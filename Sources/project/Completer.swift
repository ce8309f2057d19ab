import ArgumentParser
import ProjectCore

/// Works out completion candidates from the words typed so far (the last one is being typed).
///
/// What it offers for an option is what the option accepts. Where that is a path, the answer is
/// the one line `:files` (or `:directories`), and the shell completes file names; otherwise the
/// candidates are all there is, and an empty answer means nothing to offer (never file names).
struct Completer {
  var words: [String]

  static let subcommands = ["services", "check", "migrate", "init", "svc", "backup", "completions", "help"]
  static let files = ":files"
  static let directories = ":directories"

  func candidates() -> [String] {
    var words = self.words
    let current = words.popLast() ?? ""
    // --manifest takes a path wherever it is given.
    if words.last == "--manifest" { return [Self.files] }
    var explicitManifest: String?
    for (i, word) in words.enumerated() {
      if word == "--manifest", i + 1 < words.count { explicitManifest = words[i + 1] }
      if word.hasPrefix("--manifest=") { explicitManifest = String(word.dropFirst("--manifest=".count)) }
    }
    words = strippingManifest(words)
    let all: [String]
    if words.isEmpty {
      all = Self.subcommands + ["--manifest", "--help", "--version"]
    } else {
      let rest = Array(words.dropFirst())
      switch words[0] {
      case "completions": all = rest.isEmpty ? CompletionScripts.shells : []
      case "help": all = rest.isEmpty ? Self.subcommands.filter { $0 != "help" } : []
      case "init":
        if current.hasPrefix("-") { all = ["--help"] } else { return rest.isEmpty ? [Self.directories] : [] }
      case "svc": all = svcCandidates(rest, current: current, manifest: explicitManifest)
      case "services":
        if let previous = rest.last, previous == "-o" || previous == "--output" {
          all = ["table", "json"]
        } else {
          all = ["--output", "-o", "--manifest", "--help"]
        }
      case "migrate": all = migrateCandidates(rest, manifest: explicitManifest)
      case "check":
        switch rest.last {
        case "--backend": all = backendNames(explicitManifest)
        case "-o", "--output": all = ["table", "json"]
        // With --data, a word that is not an option is a service to check.
        default:
          all =
            rest.contains("--data") && !current.hasPrefix("-")
            ? serviceNames(explicitManifest) : ["--data", "--backend", "--output", "-o", "--manifest", "--help"]
        }
      case "backup":
        if rest.last == "--to" { return [Self.directories] }
        all = ["--to", "--manifest", "--help"]
      default: all = []
      }
    }
    if all == [Self.files] || all == [Self.directories] { return all }
    return all.filter { $0.hasPrefix(current) }
  }

  /// After `migrate`: the values of its options, else its options and the services.
  func migrateCandidates(_ words: [String], manifest explicit: String?) -> [String] {
    switch words.last {
    case "--backend": return backendNames(explicit)
    case "-o", "--output": return ["table", "json"]
    default:
      return serviceNames(explicit).filter { !words.contains($0) }
        + ["--backend", "--dry-run", "--drop-unknown", "--output", "-o", "--manifest", "--help"]
    }
  }

  /// The manifest in use, or nil when it cannot be read.
  func manifest(_ explicit: String?) -> Manifest? {
    try? ManifestLoader.load(path: ManifestLoader.locate(explicit: explicit ?? GlobalArguments.manifest))
  }

  /// The backends of the manifest in use: PostgreSQL where it names a server.
  func backendNames(_ explicit: String?) -> [String] {
    let services = manifest(explicit)?.services ?? []
    return Backend.allCases.filter { backend in services.contains { $0.backends.contains(backend) } }.map(\.rawValue)
  }

  /// The services of the manifest in use; none when it cannot be read.
  func serviceNames(_ explicit: String?) -> [String] { manifest(explicit)?.services.map(\.name) ?? [] }

  func strippingManifest(_ words: [String]) -> [String] {
    var result: [String] = []
    var skip = false
    for word in words {
      if skip {
        skip = false
        continue
      }
      if word == "--manifest" {
        skip = true
        continue
      }
      if word.hasPrefix("--manifest=") { continue }
      result.append(word)
    }
    return result
  }

  /// Candidates after `svc`; `current` is the word being typed. Words with an `=` complete
  /// their value: `--backend=js`, and `--where status=ac` (a field's enum or boolean values).
  func svcCandidates(_ words: [String], current: String, manifest explicit: String?) -> [String] {
    guard let manifest = manifest(explicit) else { return [] }
    guard let serviceName = words.first else { return manifest.services.map(\.name) }
    guard let service = manifest.service(named: serviceName) else { return [] }
    guard words.count >= 2, let action = ServiceAction(rawValue: words[1]) else {
      return words.count == 1 ? ServiceAction.allCases.map(\.rawValue) : []
    }
    let commandLine = ServiceCommandLine(service: service, action: action)
    if current.hasPrefix("--"), let equals = current.firstIndex(of: "="),
      let option = option(String(current[..<equals]), in: commandLine), option.takesValue
    {
      let values = values(for: option, service: service)
      return values == [Self.files] ? [] : values.map { current[...equals] + $0 }
    }
    if words.count >= 3, let previous = words.last, previous.hasPrefix("-"),
      let option = option(previous, in: commandLine), option.takesValue
    {
      if ["where", "set"].contains(option.name), let equals = current.firstIndex(of: "=") {
        let field = String(current[..<equals])
        guard FilterParser.isPathComponent(field), let spec = service.schema.spec(for: field) else { return [] }
        return fieldValues(spec).map { current[...equals] + $0 }
      }
      return values(for: option, service: service)
    }
    return commandLine.options.flatMap { option in ["--\(option.name)"] + (option.short.map { ["-\($0)"] } ?? []) } + [
      "--manifest"
    ]
  }

  func option(_ word: String, in commandLine: ServiceCommandLine) -> OptionSpec? {
    if word.hasPrefix("--") { return commandLine.option(named: String(word.dropFirst(2))) }
    return commandLine.options.first { option in option.short.map { "-\($0)" } == word }
  }

  /// What the option accepts, where that is a short list (or a path: `:files`); empty where it
  /// is free text or a number.
  func values(for option: OptionSpec, service: ServiceDefinition) -> [String] {
    if let field = option.field { return fieldValues(field.spec) }
    switch option.name {
    // The stores this option takes, as its help names them (export reads only from a database),
    // that the service has: postgres only where the manifest names a server.
    case "backend", "target":
      return (option.valueName ?? "").split(separator: "|").map(String.init).filter { name in
        Backend(rawValue: name).map(service.backends.contains) ?? true
      }
    // The formats this action prints, as its help names them.
    case "output": return (option.valueName ?? "").split(separator: "|").map(String.init)
    // Both stores, either way round.
    case "backends":
      return service.backends.flatMap { a in service.backends.filter { $0 != a }.map { "\(a.rawValue),\($0.rawValue)" }
      }
    case "format": return ["auto"] + RecordFileFormat.allCases.map(\.rawValue)
    case "on-conflict": return ConflictPolicy.allCases.map(\.rawValue)
    case "from", "to": return [Self.files]
    // Filters, sort keys and shown fields may name the record's own keys too.
    case "where", "sort", "fields":
      return ["id", "created_at", "updated_at"] + service.schema.fieldNames
    // Only schema fields can be set or removed: id and the timestamps are the store's.
    case "set", "unset": return service.schema.fieldNames
    default: return []
    }
  }

  /// The values a field can take, where there are few: an enum's, a boolean's.
  func fieldValues(_ spec: FieldSpec) -> [String] {
    switch spec.type {
    case .enumeration(let values): return values
    case .boolean: return ["true", "false"]
    default: return []
    }
  }
}
