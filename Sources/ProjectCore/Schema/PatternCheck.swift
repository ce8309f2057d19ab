/// Refuses `pattern:` regular expressions whose matching time can explode.
///
/// The regex engine backtracks, and a repetition inside a repeated group (`(a+)+`, `(\w*)*`,
/// `(x+y?)+`) can take time exponential in the length of a value: one bad record would hang
/// every `add` and `import`. Such patterns are rejected when the manifest loads.
public enum PatternCheck {
  /// Whether the pattern repeats a group that itself holds an unbounded repetition.
  public static func hasNestedRepetition(_ pattern: String) -> Bool {
    let chars = Array(pattern)
    var groups: [Bool] = []  // per open group: holds an unbounded repetition
    var i = 0
    func unboundedQuantifier(at j: Int) -> Bool {
      guard j < chars.count else { return false }
      if chars[j] == "+" || chars[j] == "*" { return true }
      guard chars[j] == "{", let close = chars[j...].firstIndex(of: "}") else { return false }
      let body = String(chars[(j + 1)..<close])
      guard let comma = body.firstIndex(of: ",") else { return false }
      let upper = body[body.index(after: comma)...]
      return upper.isEmpty || (Int(upper) ?? 0) > 16
    }
    while i < chars.count {
      let c = chars[i]
      switch c {
      case "\\":
        i += 2
        if unboundedQuantifier(at: i), !groups.isEmpty { groups[groups.count - 1] = true }
        continue
      case "[":
        var j = i + 1
        if j < chars.count && chars[j] == "^" { j += 1 }
        if j < chars.count && chars[j] == "]" { j += 1 }
        while j < chars.count && chars[j] != "]" { j += chars[j] == "\\" ? 2 : 1 }
        i = j + 1
        if unboundedQuantifier(at: i), !groups.isEmpty { groups[groups.count - 1] = true }
        continue
      case "(":
        groups.append(false)
      case ")":
        let inner = groups.popLast() ?? false
        let repeated = unboundedQuantifier(at: i + 1)
        if inner && repeated { return true }
        if (inner || repeated), !groups.isEmpty { groups[groups.count - 1] = true }
      default:
        if unboundedQuantifier(at: i + 1), !groups.isEmpty, c != ")" { groups[groups.count - 1] = true }
      }
      i += 1
    }
    return false
  }
}
