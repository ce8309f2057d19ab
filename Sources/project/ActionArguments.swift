import ProjectCore

/// The parsed arguments of one `svc` action.
struct ActionArguments {
  var options: [String: [String]] = [:]
  var positionals: [String] = []
  /// Field flags in the order given: `--name Test` becomes ("name", "Test").
  var fieldValues: [(field: String, spec: FieldSpec, text: String)] = []

  func value(_ name: String) -> String? { options[name]?.last }
  func values(_ name: String) -> [String] { options[name] ?? [] }
  func flag(_ name: String) -> Bool { options[name] != nil }
}
