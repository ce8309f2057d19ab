import ProjectCore

/// The record commands under `project svc <service>`.
enum ServiceAction: String, CaseIterable {
  case add, get, list, count, update, delete, export, `import`, diff

  static let backendOption = OptionSpec(
    name: "backend", valueName: "json|sqlite|postgres",
    help: "The store to use (default: the manifest's defaults.backend).")
  static let outputOption = OptionSpec(
    name: "output", short: "o", valueName: "table|json|ndjson|yaml|csv", help: "Output format (default: table).")
  static let noTruncOption = OptionSpec(
    name: "no-trunc", valueName: nil, help: "Table: never cut a cell or leave a column off to fit the terminal.")
  static let whereOption = OptionSpec(
    name: "where", valueName: "expr",
    help:
      "Filter: field=value, !=, <, <=, >, >=, ~ (substring), 'field in (a,b)', 'field exists'; prefix 'not ' to negate; repeat to AND. '$.key' reaches keys outside the schema.",
    repeatable: true)

  var abstract: String {
    switch self {
    case .add: "Add a record. Prints its id."
    case .get: "Show records by id."
    case .list: "List records, filtered, sorted and windowed."
    case .count: "Count records, filtered."
    case .update: "Change fields of one record (prints its id), or of every match of --where with --yes."
    case .delete: "Delete records by id, or every match of --where with --yes."
    case .export: "Copy the SQLite store's records to the JSON store file, or to a file or stdout."
    case .import: "Copy records from a file (default: the JSON store file) into a store."
    case .diff: "Compare two stores of the service. Exit 0 when the same, 1 when they differ, 2 on error."
    }
  }

  var usage: String {
    switch self {
    case .add:
      "add [--<field> <value> ...] [--set <path>=<value> ...] [--json <object>|@<file>|-] [-o <format>] [--backend <backend>]"
    case .get: "get <id> ... [-o <format>] [--no-trunc] [--backend <backend>]"
    case .list:
      "list [--where <expr> ...] [--sort <field>[:desc] ...] [--limit <n>] [--offset <n>] [--fields <a,b>] [-o <format>] [--no-trunc] [--explain] [--backend <backend>]"
    case .count: "count [--where <expr> ...] [--backend <backend>]"
    case .update:
      "update <id> | --where <expr> ... [--yes] [--dry-run] [--<field> <value> ...] [--set <path>=<value> ...] [--unset <field> ...] [-o <format>] [--backend <backend>]"
    case .delete: "delete <id> ... | --where <expr> ... --yes [--backend <backend>]"
    case .export:
      "export [--backend sqlite|postgres] [--to <path>|-] [--format auto|json|ndjson|csv] [--replace|--merge] [--dry-run]"
    case .import:
      "import [--from <path>|-] [--format auto|json|ndjson|csv] --target sqlite|json|postgres [--on-conflict fail|skip|overwrite] [--dry-run]"
    case .diff: "diff [--backends <a>,<b>] [--ids-only] [-o table|json]"
    }
  }

  var takesFieldFlags: Bool { self == .add || self == .update }

  var builtInOptions: [OptionSpec] {
    switch self {
    case .add:
      return [
        OptionSpec(
          name: "set", valueName: "path=value", help: "Set a field by dotted path, typed by the schema.",
          repeatable: true),
        OptionSpec(
          name: "json", valueName: "object|@file|-", help: "Fields as a JSON object, from a file (@file) or stdin (-)."),
        Self.backendOption, Self.outputOption,
      ]
    case .get:
      return [Self.outputOption, Self.noTruncOption, Self.backendOption]
    case .list:
      return [
        Self.whereOption,
        OptionSpec(
          name: "sort", valueName: "field[:desc]",
          help: "Sort key; repeat for more. Ties fall back to created_at, then id.", repeatable: true),
        OptionSpec(name: "limit", valueName: "n", help: "At most this many records."),
        OptionSpec(name: "offset", valueName: "n", help: "Skip this many records first."),
        OptionSpec(
          name: "fields", valueName: "a,b", help: "Only these fields (dotted paths allowed, and '$.key' paths)."),
        Self.outputOption,
        Self.noTruncOption,
        OptionSpec(
          name: "explain", valueName: nil,
          help: "Print the SQL and SQLite's query plan instead of records (sqlite backend)."),
        Self.backendOption,
      ]
    case .count:
      return [Self.whereOption, Self.backendOption]
    case .update:
      return [
        OptionSpec(
          name: "set", valueName: "path=value", help: "Set a field by dotted path, typed by the schema.",
          repeatable: true),
        OptionSpec(name: "unset", valueName: "field", help: "Remove a field (dotted path).", repeatable: true),
        Self.whereOption,
        OptionSpec(name: "yes", valueName: nil, help: "Confirm updating every match of --where."),
        OptionSpec(
          name: "dry-run", valueName: nil, help: "With --where: check every match and say how many would change."),
        Self.backendOption, Self.outputOption,
      ]
    case .delete:
      return [
        Self.whereOption, OptionSpec(name: "yes", valueName: nil, help: "Confirm deleting every match of --where."),
        Self.backendOption,
      ]
    case .export:
      return [
        OptionSpec(
          name: "backend", valueName: "sqlite|postgres",
          help: "The store to copy from (default: the manifest's defaults.backend, or sqlite when that is json)."),
        OptionSpec(
          name: "to", valueName: "path|-",
          help: "Where to write (default: the service's JSON store file; - for stdout)."),
        OptionSpec(
          name: "format", valueName: "auto|json|ndjson|csv",
          help: "File format (default: auto, from the extension of --to; JSON for the store file and for -)."),
        OptionSpec(
          name: "replace", valueName: nil, help: "Overwrite a store file holding other records, keeping a .bak."),
        OptionSpec(name: "merge", valueName: nil, help: "Merge into the store file; the database wins on the same id."),
        OptionSpec(
          name: "dry-run", valueName: nil,
          help: "Say what would be added, changed, unchanged and dropped; write nothing."),
      ]
    case .import:
      return [
        OptionSpec(
          name: "from", valueName: "path|-", help: "What to read (default: the service's JSON store file; - for stdin)."
        ),
        OptionSpec(
          name: "format", valueName: "auto|json|ndjson|csv",
          help: "Input format (default: auto, by extension and content)."),
        OptionSpec(name: "target", valueName: "sqlite|json|postgres", help: "The store to write (required)."),
        OptionSpec(
          name: "on-conflict", valueName: "fail|skip|overwrite", help: "When an id is already stored (default: fail)."),
        OptionSpec(name: "dry-run", valueName: nil, help: "Validate and say what would happen; write nothing."),
      ]
    case .diff:
      return [
        OptionSpec(name: "backends", valueName: "a,b", help: "The two stores to compare (default: json,sqlite)."),
        OptionSpec(name: "ids-only", valueName: nil, help: "Name the records that differ, not their fields."),
        OptionSpec(name: "output", short: "o", valueName: "table|json", help: "Output format (default: table)."),
      ]
    }
  }
}
