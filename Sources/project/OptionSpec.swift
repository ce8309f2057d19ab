import ProjectCore

/// One option of a `svc` action: a built-in one, or a field flag made from the schema.
struct OptionSpec {
  var name: String
  var short: Character?
  var valueName: String?
  var help: String
  var repeatable = false
  /// For field flags: the field it sets.
  var field: (name: String, spec: FieldSpec)?

  var takesValue: Bool { valueName != nil }
}
