import CRE2Bridge

/// A field's `pattern:`, compiled once by RE2 when the manifest loads.
///
/// RE2 matches without backtracking: the time a match takes grows linearly with the length of
/// the value, for every pattern it accepts, so no value can hang a command that holds the store
/// lock. Matching follows JSON Schema's `pattern`: an unanchored search (anchor with `^`/`$`),
/// over Unicode code points. What RE2 does not have (backreferences, lookahead and lookbehind,
/// atomic groups, possessive quantifiers) is refused when the pattern is compiled, with the
/// position of the offending part.
public final class Pattern: Hashable, @unchecked Sendable, CustomStringConvertible {
  /// RE2's memory budget for one pattern, in bytes: the compiled program and the match-time
  /// DFA cache share it. A pattern whose program does not fit is refused at load ("pattern too
  /// large"); a DFA cache that fills up during a match makes RE2 go on with its NFA, which is
  /// slower but still linear in the value and gives the same answer.
  public static let memoryBudget: Int64 = 8 << 20

  /// The pattern as the manifest wrote it.
  public let source: String
  // `cre2_regex *`; RE2 objects are safe to match from several threads at once.
  private let regex: OpaquePointer

  public init(_ source: String) throws(PatternError) {
    self.source = source
    switch Self.compile(Array(source.utf8)) {
    case .success(let regex): self.regex = regex
    case .failure(let failure):
      throw PatternError(source: source, failure: failure)
    }
  }

  deinit { cre2_free(regex) }

  /// Whether the pattern matches somewhere in the text.
  public func matches(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { bytes in
      bytes.withMemoryRebound(to: CChar.self) { cre2_search(regex, $0.baseAddress, $0.count) == 1 }
    }
  }

  public var description: String { source }

  public static func == (lhs: Pattern, rhs: Pattern) -> Bool { lhs.source == rhs.source }
  public func hash(into hasher: inout Hasher) { hasher.combine(source) }

  /// RE2's refusal of a pattern: its message, the fragment it names and its error code.
  struct Failure: Error, Equatable {
    var message: String
    var fragment: String
    var code: Int32
  }

  static func compile(_ bytes: [UInt8]) -> Result<OpaquePointer, Failure> {
    var error: UnsafeMutablePointer<CChar>?
    var errorArg: UnsafeMutablePointer<CChar>?
    var code: Int32 = 0
    let regex = bytes.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) {
        cre2_compile($0.baseAddress, $0.count, memoryBudget, &error, &errorArg, &code)
      }
    }
    defer {
      cre2_free_string(error)
      cre2_free_string(errorArg)
    }
    if let regex { return .success(regex) }
    return .failure(
      Failure(
        message: error.map { String(cString: $0) } ?? "RE2 refused the pattern",
        fragment: errorArg.map { String(cString: $0) } ?? "",
        code: code))
  }
}
