/// What to do when an incoming record has the id of one already stored.
public enum ConflictPolicy: String, CaseIterable, Sendable {
  case fail, skip, overwrite
}
