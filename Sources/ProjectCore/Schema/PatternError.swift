import CRE2Bridge

/// Why a pattern was refused, and where in it.
public struct PatternError: ProjectError, Hashable, Sendable {
  public var exitCode: Int32 { 2 }
  /// RE2's message, such as `invalid escape sequence: \1`.
  public var message: String
  /// The 1-based position, in characters (code points), of the offending part of the pattern;
  /// nil when the refusal is about the pattern as a whole (too large, a group never closed).
  public var position: Int?

  public var description: String {
    guard let position else { return message }
    return "\(message) (at character \(position) of the pattern)"
  }

  init(source: String, failure: Pattern.Failure) {
    message = failure.message
    let bytes = Array(source.utf8)
    switch Int(failure.code) {
    case CRE2_ERROR_PATTERN_TOO_LARGE:
      message +=
        ": it needs more than RE2's memory budget of \(Pattern.memoryBudget >> 20) MiB for one pattern; make it smaller (fewer or smaller counted repetitions)"
      position = nil
    case CRE2_ERROR_MISSING_PAREN where failure.fragment == source:
      position = nil  // RE2 notices at the end; its message shows the whole pattern
    case CRE2_ERROR_TRAILING_BACKSLASH:
      position = source.unicodeScalars.count  // RE2 names no fragment: it is the last character
    case CRE2_ERROR_UNEXPECTED_PAREN where failure.fragment == source:
      // RE2 names the whole pattern: the stray `)` ends the shortest prefix refused the same way.
      let end = (1...bytes.count).first { end in
        switch Pattern.compile(Array(bytes[..<end])) {
        case .success(let regex):
          cre2_free(regex)
          return false
        case .failure(let cut): return cut.code == failure.code
        }
      }
      position = end.map { Self.characters(bytes[..<($0 - 1)]) + 1 }
    default:
      position = Self.position(of: failure, in: bytes)
    }
  }

  static func characters(_ bytes: ArraySlice<UInt8>) -> Int {
    String(decoding: bytes, as: UTF8.self).unicodeScalars.count
  }

  /// Where RE2's offending fragment stands in the pattern. RE2 names the fragment, not its
  /// offset; when the fragment occurs more than once, the occurrence is the first one at which
  /// the pattern cut just after it is refused with the same error (RE2 reads left to right and
  /// stops at the first error).
  static func position(of failure: Pattern.Failure, in bytes: [UInt8]) -> Int? {
    let fragment = Array(failure.fragment.utf8)
    guard !fragment.isEmpty, fragment.count <= bytes.count else { return nil }
    var occurrences: [Int] = []
    for start in 0...(bytes.count - fragment.count)
    where bytes[start..<(start + fragment.count)].elementsEqual(fragment) {
      occurrences.append(start)
    }
    guard let first = occurrences.first else { return nil }
    func refusedHere(_ start: Int) -> Bool {
      switch Pattern.compile(Array(bytes[..<(start + fragment.count)])) {
      case .success(let regex):
        cre2_free(regex)
        return false
      case .failure(let cut): return cut == failure
      }
    }
    let offset = occurrences.count == 1 ? first : occurrences.first(where: refusedHere) ?? first
    return characters(bytes[..<offset]) + 1
  }
}
