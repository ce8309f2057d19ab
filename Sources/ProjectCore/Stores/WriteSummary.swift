/// How many records a write added, updated and skipped.
public struct WriteSummary: Equatable, Sendable {
  public var added = 0
  public var updated = 0
  public var skipped = 0
  public init(added: Int = 0, updated: Int = 0, skipped: Int = 0) {
    self.added = added
    self.updated = updated
    self.skipped = skipped
  }
}
