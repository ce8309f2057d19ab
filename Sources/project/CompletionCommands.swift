import ArgumentParser
import ProjectCore

/// `project completions bash|zsh|fish`: a completion script that asks the binary itself for
/// candidates, so that services, field flags and enum values come from the current manifest.
struct CompletionsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "completions", abstract: "Print a shell completion script (bash, zsh or fish).")

  @Argument(help: "bash, zsh or fish.")
  var shell: String

  func validate() throws {
    guard CompletionScripts.shells.contains(shell) else {
      throw ValidationError("unknown shell '\(shell)'; expected bash, zsh or fish")
    }
  }

  func run() throws {
    print(CompletionScripts.script(for: shell), terminator: "")
  }
}

/// `project __complete WORD...`: the candidates for the last word, one per line.
struct CompleteCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "__complete", shouldDisplay: false)

  @Argument(parsing: .captureForPassthrough)
  var words: [String] = []

  func run() throws {
    for candidate in Completer(words: words).candidates() { print(candidate) }
  }
}

/// Works out completion candidates from the words typed so far (the last one is being typed).
struct Completer {
  var words: [String]

  static let subcommands = ["services", "check", "init", "svc", "completions", "help"]

  func candidates() -> [String] {
    var words = self.words
    let current = words.popLast() ?? ""
    var explicitManifest: String?
    if let i = words.firstIndex(of: "--manifest"), i + 1 < words.count { explicitManifest = words[i + 1] }
    words = strippingManifest(words)
    let all: [String]
    if words.isEmpty {
      all = Self.subcommands + ["--manifest", "--help", "--version"]
    } else if words[0] == "completions" {
      all = CompletionScripts.shells
    } else if words[0] == "svc" {
      all = svcCandidates(Array(words.dropFirst()), current: current, manifest: explicitManifest)
    } else if words[0] == "services" {
      all = ["--output", "-o", "--manifest"]
    } else if words[0] == "check" {
      all = ["--data", "--manifest"]
    } else {
      all = []
    }
    return all.filter { $0.hasPrefix(current) }
  }

  func strippingManifest(_ words: [String]) -> [String] {
    var result: [String] = []
    var skip = false
    for word in words {
      if skip { skip = false; continue }
      if word == "--manifest" { skip = true; continue }
      result.append(word)
    }
    return result
  }

  /// Candidates after `svc`; `current` is the word being typed. Words with an `=` complete
  /// their value: `--backend=js`, and `--where status=ac` (a field's enum or boolean values).
  func svcCandidates(_ words: [String], current: String, manifest explicit: String?) -> [String] {
    guard let manifest = try? ManifestLoader.load(path: ManifestLoader.locate(explicit: explicit)) else { return [] }
    guard let serviceName = words.first else { return manifest.services.map(\.name) }
    guard let service = manifest.service(named: serviceName) else { return [] }
    guard words.count >= 2, let action = ServiceAction(rawValue: words[1]) else {
      return ServiceAction.allCases.map(\.rawValue)
    }
    let commandLine = ServiceCommandLine(service: service, action: action)
    if current.hasPrefix("--"), let equals = current.firstIndex(of: "="),
      let option = option(String(current[..<equals]), in: commandLine), option.takesValue
    {
      return values(for: option, service: service).map { current[...equals] + $0 }
    }
    if words.count >= 3, let previous = words.last, previous.hasPrefix("-"), let option = option(previous, in: commandLine), option.takesValue {
      if ["where", "set"].contains(option.name), let equals = current.firstIndex(of: "=") {
        let field = String(current[..<equals])
        guard FilterParser.isPathComponent(field), let spec = service.schema.spec(for: field) else { return [] }
        return fieldValues(spec).map { current[...equals] + $0 }
      }
      return values(for: option, service: service)
    }
    return commandLine.options.flatMap { option in ["--\(option.name)"] + (option.short.map { ["-\($0)"] } ?? []) }
  }

  func option(_ word: String, in commandLine: ServiceCommandLine) -> OptionSpec? {
    if word.hasPrefix("--") { return commandLine.option(named: String(word.dropFirst(2))) }
    return commandLine.options.first { option in option.short.map { "-\($0)" } == word }
  }

  func values(for option: OptionSpec, service: ServiceDefinition) -> [String] {
    if let field = option.field { return fieldValues(field.spec) }
    switch option.name {
    case "backend", "target": return Backend.allCases.map(\.rawValue)
    case "output": return OutputFormat.allCases.map(\.rawValue)
    case "format": return ["auto"] + RecordFileFormat.allCases.map(\.rawValue)
    case "on-conflict": return ConflictPolicy.allCases.map(\.rawValue)
    case "where", "sort", "fields", "unset", "set":
      return ["id", "created_at", "updated_at"] + service.schema.fieldNames
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

enum CompletionScripts {
  static let shells = ["bash", "zsh", "fish"]

  static func script(for shell: String) -> String {
    switch shell {
    case "zsh":
      return """
        #compdef project
        # zsh completion for project: candidates come from the binary and the current manifest.
        _project() {
          local -a candidates
          candidates=("${(@f)$(project __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
          if (( ${#candidates[@]} )) && [[ -n "${candidates[1]}" ]]; then
            compadd -a candidates
          else
            _files
          fi
        }
        # Autoloaded from fpath, this file is the body of _project: complete now. Sourced, register.
        if [[ "${funcstack[1]}" == "_project" ]]; then
          _project "$@"
        else
          compdef _project project
        fi

        """
    case "fish":
      return """
        # fish completion for project: candidates come from the binary and the current manifest.
        complete -c project -a '(project __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'

        """
    default:
      return """
        # bash completion for project: candidates come from the binary and the current manifest.
        _project() {
          local IFS=$'\\n'
          # The words as typed, split at blanks only: bash also splits at '=' and ':', which
          # candidates such as status=active hold. It then replaces only the part after the
          # last of those, so that part is what each candidate keeps.
          local -a words=("${COMP_WORDS[@]:0:COMP_CWORD+1}")
          if [[ -n "$COMP_LINE" ]]; then
            local line="${COMP_LINE:0:COMP_POINT}"
            IFS=$' \\t' read -ra words <<<"$line"
            [[ "$line" =~ [[:space:]]$ ]] && words+=("")
          fi
          local typed="${words[${#words[@]}-1]}" cur="${COMP_WORDS[COMP_CWORD]}"
          # Right after a '=' or ':', bash replaces only what follows it: nothing yet.
          [[ "$cur" == "=" || "$cur" == ":" ]] && cur=""
          local keep=""
          (( ${#typed} >= ${#cur} )) && keep="${typed:0:${#typed}-${#cur}}"
          COMPREPLY=($(project __complete "${words[@]:1}" 2>/dev/null))
          COMPREPLY=("${COMPREPLY[@]#"$keep"}")
        }
        complete -o default -F _project project

        """
    }
  }
}
