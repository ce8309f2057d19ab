import ProjectCore

extension ServiceRunner {
  /// `diff [--backends A,B] [--ids-only] [-o table|json]`: read-only. As `diff(1)`, the exit
  /// code is 0 when both stores hold the same records, 1 when they differ, 2 on any error.
  func diff() throws {
    do {
      try noPositionals()
      let (left, right) = try diffBackends()
      let format = try output()
      guard format == .table || format == .json else {
        throw usage("diff prints a table or JSON; '--output \(format.rawValue)' is not one of them")
      }
      let idsOnly = arguments.flag("ids-only")
      let diff = try StoreDiff.compare(records.store(left), records.store(right), idsOnly: idsOnly)
      if format == .json {
        print(JSONWriter.string(Self.json(diff, left: left, right: right, idsOnly: idsOnly), style: .pretty))
      } else {
        let lines = Self.lines(diff, left: left, right: right, idsOnly: idsOnly)
        if !lines.isEmpty { print(lines.joined(separator: "\n")) }
      }
      if !diff.isEmpty { throw CommandFailure(message: "", exitCode: 1) }
    } catch let failure as CommandFailure where failure.message.isEmpty {
      throw failure
    } catch let error as ProjectError {
      throw CommandFailure(message: error.description, exitCode: 2)
    }
  }

  /// `--backends A,B`, two different backends; `json,sqlite` by default.
  func diffBackends() throws -> (Backend, Backend) {
    guard let text = arguments.value("backends") else { return (.json, .sqlite) }
    let names = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let backends = names.compactMap(Backend.init(rawValue:))
    guard names.count == 2, backends.count == 2, backends[0] != backends[1] else {
      if let bad = names.first(where: { Backend(rawValue: $0) == nil }), names.count == 2 {
        throw usage(
          "invalid backend '\(bad)' in '--backends'"
            + ServiceSelection.nearMiss(bad, in: Backend.allCases.map(\.rawValue), listing: "expected one of"))
      }
      throw usage("'--backends' needs two different backends, as json,sqlite; found '\(text)'")
    }
    return (try available(backends[0]), try available(backends[1]))
  }

  static func show(_ value: JSONValue?) -> String { value.map { JSONWriter.string($0) } ?? "(none)" }

  /// One line per record only in one store, and per differing record with its changes below
  /// it (fields, then timestamps); then a summary, except with `idsOnly`.
  static func lines(_ diff: StoreDiff, left: Backend, right: Backend, idsOnly: Bool) -> [String] {
    var lines: [String] = []
    lines += diff.onlyLeft.map { "only in \(left.rawValue): \($0)" }
    lines += diff.onlyRight.map { "only in \(right.rawValue): \($0)" }
    for record in diff.different {
      lines.append("differs: \(record.id)")
      for change in record.fields {
        lines.append("  \(change.path): \(left.rawValue) \(show(change.left)), \(right.rawValue) \(show(change.right))")
      }
      for change in record.timestamps {
        lines.append(
          "  timestamp \(change.path): \(left.rawValue) \(show(change.left)), \(right.rawValue) \(show(change.right))")
      }
    }
    if idsOnly { return lines }
    if diff.isEmpty {
      lines.append("\(left.rawValue) and \(right.rawValue) hold the same \(Plural.records(diff.same))")
    } else {
      lines.append(
        "\(left.rawValue) and \(right.rawValue) differ: \(Plural.records(diff.onlyLeft.count)) only in \(left.rawValue), "
          + "\(diff.onlyRight.count) only in \(right.rawValue), \(diff.different.count) different, \(diff.same) the same"
      )
    }
    return lines
  }

  static func json(_ diff: StoreDiff, left: Backend, right: Backend, idsOnly: Bool) -> JSONValue {
    func changes(_ list: [StoreDiff.Change]) -> JSONValue {
      .array(
        list.map { change in
          var object = JSONObject()
          object["path"] = .string(change.path.description)
          if let value = change.left { object[left.rawValue] = value }
          if let value = change.right { object[right.rawValue] = value }
          return .object(object)
        })
    }
    var onlyIn = JSONObject()
    onlyIn[left.rawValue] = .array(diff.onlyLeft.map(JSONValue.string))
    onlyIn[right.rawValue] = .array(diff.onlyRight.map(JSONValue.string))
    var object = JSONObject()
    object["backends"] = .array([.string(left.rawValue), .string(right.rawValue)])
    object["same"] = .integer(Int64(diff.same))
    object["only_in"] = .object(onlyIn)
    object["different"] = .array(
      diff.different.map { record in
        var entry = JSONObject()
        entry["id"] = .string(record.id)
        if !idsOnly {
          entry["fields"] = changes(record.fields)
          entry["timestamps"] = changes(record.timestamps)
        }
        return .object(entry)
      })
    return .object(object)
  }
}
