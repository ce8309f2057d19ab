/// Which store a command reads and writes.
public enum Backend: String, CaseIterable, Sendable {
  case json, sqlite, postgres
}
