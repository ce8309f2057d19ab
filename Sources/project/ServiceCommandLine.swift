import ProjectCore

/// Parses the arguments of `project svc <service> <action>`, whose flags depend on the
/// service's schema, and renders their help.
struct ServiceCommandLine {
  let service: ServiceDefinition
  let action: ServiceAction
  let options: [OptionSpec]

  init(service: ServiceDefinition, action: ServiceAction) {
    self.service = service
    self.action = action
    var options = action.builtInOptions
    if action.takesFieldFlags {
      let taken = Set(options.map(\.name))
      for (name, spec) in service.schema.fields where !taken.contains(name) {
        options.append(
          OptionSpec(name: name, valueName: Self.valueName(spec), help: Self.fieldHelp(spec), field: (name, spec)))
      }
    }
    options.append(OptionSpec(name: "help", short: "h", valueName: nil, help: "Show this help."))
    self.options = options
  }

  static func valueName(_ spec: FieldSpec) -> String {
    switch spec.type {
    case .enumeration(let values): return values.joined(separator: "|")
    case .array(let items): return "\(items.type.name),..."
    case .object, .any: return "json"
    default: return spec.type.name
    }
  }

  static func fieldHelp(_ spec: FieldSpec) -> String {
    var parts = [spec.type.summary]
    if spec.required { parts.append("required") }
    if let value = spec.defaultValue { parts.append("default \(JSONWriter.string(value))") }
    if let minimum = spec.minimum { parts.append("min \(ValueText.number(minimum))") }
    if let maximum = spec.maximum { parts.append("max \(ValueText.number(maximum))") }
    if let minLength = spec.minLength { parts.append("min length \(minLength)") }
    if let maxLength = spec.maxLength { parts.append("max length \(maxLength)") }
    if let pattern = spec.pattern { parts.append("pattern \(pattern)") }
    if spec.unique { parts.append("unique") }
    let summary = parts.joined(separator: ", ")
    return spec.description.map { "\($0) (\(summary))" } ?? summary
  }

  func option(named name: String) -> OptionSpec? {
    if let exact = options.first(where: { $0.name == name }) { return exact }
    let underscored = name.replacingDashes
    return options.first { $0.field != nil && $0.name == underscored }
  }

  func parse(_ arguments: [String]) throws -> ActionArguments {
    var result = ActionArguments()
    var index = 0
    var onlyPositionals = false
    // Words that followed a boolean field flag given without a value: `--active maybe`.
    var afterBoolean: [Int: String] = [:]
    func usage(_ message: String) -> CommandFailure {
      .usage("\(message); see 'project svc \(service.name) \(action.rawValue) --help'")
    }
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if onlyPositionals || argument == "-" || !argument.hasPrefix("-") {
        result.positionals.append(argument)
        continue
      }
      if argument == "--" {
        onlyPositionals = true
        continue
      }
      var name: String
      var inlineValue: String?
      if argument.hasPrefix("--") {
        name = String(argument.dropFirst(2))
        if let equals = name.firstIndex(of: "=") {
          inlineValue = String(name[name.index(after: equals)...])
          name = String(name[..<equals])
        }
      } else {
        guard argument.count == 2, let spec = options.first(where: { $0.short == argument.last }) else {
          if Int64(argument) != nil || Double(argument) != nil {
            result.positionals.append(argument)
            continue
          }
          throw usage("unknown option '\(argument)'")
        }
        name = spec.name
      }
      guard let spec = option(named: name) else {
        var message = "unknown option '--\(name)' for '\(action.rawValue)'"
        if let near = Suggestion.nearest(to: name, in: options.map(\.name)) { message += "; did you mean '--\(near)'?" }
        throw CommandFailure.usage(message + "; see 'project svc \(service.name) \(action.rawValue) --help'")
      }
      var value: String?
      if let field = spec.field, case .boolean = field.spec.type, inlineValue == nil {
        if index < arguments.count,
          ["true", "false", "yes", "no", "1", "0", "on", "off"].contains(arguments[index].lowercased())
        {
          value = arguments[index]
          index += 1
        } else {
          value = "true"
          if index < arguments.count, !arguments[index].hasPrefix("-") {
            afterBoolean[result.positionals.count] = spec.name
          }
        }
      } else if spec.takesValue {
        if let inlineValue {
          value = inlineValue
        } else {
          guard index < arguments.count else {
            throw usage("missing value for '--\(spec.name)' (\(spec.valueName ?? "value"))")
          }
          value = arguments[index]
          index += 1
        }
      } else if inlineValue != nil {
        throw usage("'--\(spec.name)' takes no value")
      }
      if let field = spec.field {
        result.fieldValues.append((field.name, field.spec, value ?? ""))
        continue
      }
      if !spec.repeatable, result.options[spec.name] != nil, spec.takesValue {
        throw usage("'--\(spec.name)' is given more than once")
      }
      result.options[spec.name, default: []].append(value ?? "")
    }
    // add takes no word, update one id: a word too many right after a boolean flag was meant
    // as its value.
    if action.takesFieldFlags, result.positionals.count > (action == .update ? 1 : 0),
      let (position, flag) = afterBoolean.min(by: { $0.key < $1.key })
    {
      throw usage(
        "'--\(flag)' takes a boolean: true or false (also yes/no, on/off, 1/0), found '\(result.positionals[position])'"
      )
    }
    return result
  }

  var help: String {
    var lines = ["USAGE: project svc \(service.name) \(action.usage)", ""]
    lines.append(action.abstract)
    if let description = service.description { lines.append("Service '\(service.name)': \(description).") }
    lines.append("")
    let fieldOptions = options.filter { $0.field != nil }
    let builtIn = options.filter { $0.field == nil }
    func render(_ option: OptionSpec) -> String {
      var left = "  " + (option.short.map { "-\($0), " } ?? "") + "--\(option.name)"
      if let valueName = option.valueName { left += " <\(valueName)>" }
      let padded =
        left.count < 30
        ? left + String(repeating: " ", count: 30 - left.count) : left + "\n" + String(repeating: " ", count: 30)
      return padded + option.help
    }
    if !fieldOptions.isEmpty {
      lines.append("FIELDS:")
      lines.append(contentsOf: fieldOptions.map(render))
      lines.append("")
    }
    lines.append("OPTIONS:")
    lines.append(contentsOf: builtIn.map(render))
    return lines.joined(separator: "\n")
  }
}

extension String {
  /// `due-date` → `due_date`, for field flags typed with dashes.
  var replacingDashes: String { String(map { $0 == "-" ? "_" : $0 }) }
}
