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
///
/// What it offers for an option is what the option accepts. Where that is a path, the answer is
/// the one line `:files` (or `:directories`), and the shell completes file names; otherwise the
/// candidates are all there is, and an empty answer means nothing to offer (never file names).
struct Completer {
  var words: [String]

  static let subcommands = ["services", "check", "init", "svc", "completions", "help"]
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
      case "check": all = ["--data", "--manifest", "--help"]
      default: all = []
      }
    }
    if all == [Self.files] || all == [Self.directories] { return all }
    return all.filter { $0.hasPrefix(current) }
  }

  func strippingManifest(_ words: [String]) -> [String] {
    var result: [String] = []
    var skip = false
    for word in words {
      if skip { skip = false; continue }
      if word == "--manifest" { skip = true; continue }
      if word.hasPrefix("--manifest=") { continue }
      result.append(word)
    }
    return result
  }

  /// Candidates after `svc`; `current` is the word being typed. Words with an `=` complete
  /// their value: `--backend=js`, and `--where status=ac` (a field's enum or boolean values).
  func svcCandidates(_ words: [String], current: String, manifest explicit: String?) -> [String] {
    guard let manifest = try? ManifestLoader.load(path: ManifestLoader.locate(explicit: explicit ?? GlobalArguments.manifest)) else { return [] }
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
    if words.count >= 3, let previous = words.last, previous.hasPrefix("-"), let option = option(previous, in: commandLine), option.takesValue {
      if ["where", "set"].contains(option.name), let equals = current.firstIndex(of: "=") {
        let field = String(current[..<equals])
        guard FilterParser.isPathComponent(field), let spec = service.schema.spec(for: field) else { return [] }
        return fieldValues(spec).map { current[...equals] + $0 }
      }
      return values(for: option, service: service)
    }
    return commandLine.options.flatMap { option in ["--\(option.name)"] + (option.short.map { ["-\($0)"] } ?? []) } + ["--manifest"]
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
    case "backend", "target": return Backend.allCases.map(\.rawValue)
    case "output": return OutputFormat.allCases.map(\.rawValue)
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

enum CompletionScripts {
  static let shells = ["bash", "zsh", "fish"]

  /// Each script runs the binary the user typed (the command line's first word, as cobra-style
  /// completions do), not whatever `project` is first on PATH, and asks it for the candidates.
  static func script(for shell: String) -> String {
    switch shell {
    case "zsh":
      return """
        #compdef project
        # zsh completion for project: candidates come from the binary typed and the current manifest.
        _project() {
          local -a candidates
          # The binary the user typed: a full or relative path, or 'project' from PATH.
          local program=${(Q)words[1]}
          [[ $program == "~/"* ]] && program=$HOME/${program#\\~/}
          candidates=("${(@f)$("$program" __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
          case ${candidates[1]-} in
            :files) _files; return;;
            :directories) _files -/; return;;
          esac
          # Nothing to offer is nothing: no file names for a number or a free text value.
          (( ${#candidates[@]} )) && [[ -n ${candidates[1]} ]] && compadd -a candidates
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
        # fish completion for project: candidates come from the binary typed and the current manifest.
        function __project_complete
            set -l tokens (commandline -opc)
            set -l current (commandline -ct)
            # The binary the user typed: a full or relative path, or 'project' from PATH.
            set -l program (string replace -r '^~/' "$HOME/" -- $tokens[1])
            set -l candidates ($program __complete $tokens[2..-1] $current 2>/dev/null)
            switch "$candidates[1]"
                case :files
                    __fish_complete_path $current
                case :directories
                    __fish_complete_directories $current
                case '*'
                    printf '%s\\n' $candidates
            end
        end
        # -f: no file names unless the binary answers :files.
        complete -c project -f -a '(__project_complete)'

        """
    default:
      return """
        # bash completion for project: candidates come from the binary typed and the current manifest.
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
          # The binary the user typed: a full or relative path, or 'project' from PATH.
          local program="${COMP_WORDS[0]}"
          [[ "$program" == "~/"* ]] && program="$HOME/${program:2}"
          local -a reply=($("$program" __complete "${words[@]:1}" 2>/dev/null))
          case "${reply[0]-}" in
            :files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return;;
            :directories) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return;;
          esac
          # Nothing to offer is nothing: no file names for a number or a free text value.
          COMPREPLY=("${reply[@]#"$keep"}")
        }
        complete -F _project project

        """
    }
  }
}
