public struct SortKey: Sendable, Hashable {
  public var path: FieldPath
  public var descending: Bool

  public init(path: FieldPath, descending: Bool) {
    self.path = path
    self.descending = descending
  }
}
