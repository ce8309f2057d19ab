/// A dotted path into a record, such as `meta.owner`.
public struct FieldPath: Hashable, Sendable, CustomStringConvertible, Comparable {
  public var components: [String]

  public init(_ components: [String]) { self.components = components }

  /// Splits `a.b.c` on dots; nil when a component is empty.
  public init?(parsing text: String) {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
    components = parts
  }

  public var description: String { components.joined(separator: ".") }

  public func appending(_ component: String) -> FieldPath { FieldPath(components + [component]) }
  public func appending(index: Int) -> FieldPath {
    var c = components
    if c.isEmpty { c = ["[\(index)]"] } else { c[c.count - 1] += "[\(index)]" }
    return FieldPath(c)
  }
  public func dropFirst() -> FieldPath { FieldPath(Array(components.dropFirst())) }

  public static func < (lhs: FieldPath, rhs: FieldPath) -> Bool { lhs.description < rhs.description }
}
