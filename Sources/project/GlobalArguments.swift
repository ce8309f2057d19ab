import ArgumentParser
import ProjectCore

/// Options given before the subcommand, such as `project --manifest m.yaml svc ...`.
enum GlobalArguments {
  nonisolated(unsafe) static var manifest: String?

  /// Takes `--manifest PATH` and `--manifest=PATH` out of the arguments: the leading ones, or
  /// with `anywhere` every one before a `--` (the record commands accept global options after
  /// the action too: `svc users count --manifest m.yaml`). The last one given wins.
  static func extract(_ arguments: [String], anywhere: Bool = false) -> [String] {
    var rest: [String] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument == "--manifest", index + 1 < arguments.count {
        manifest = arguments[index + 1]
        index += 2
      } else if argument.hasPrefix("--manifest=") {
        manifest = String(argument.dropFirst("--manifest=".count))
        index += 1
      } else if !anywhere || argument == "--" {
        break
      } else {
        rest.append(argument)
        index += 1
      }
    }
    return rest + arguments[index...]
  }
}
