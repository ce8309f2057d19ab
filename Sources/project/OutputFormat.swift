import ProjectCore

/// The output formats of `get` and `list`.
enum OutputFormat: String, CaseIterable {
  case table, json, ndjson, yaml, csv
}
