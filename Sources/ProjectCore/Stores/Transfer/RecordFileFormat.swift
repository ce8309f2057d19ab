/// The file formats records move in: the JSON store shape (or a JSON array of records),
/// newline-delimited JSON, and CSV typed by the schema.
public enum RecordFileFormat: String, CaseIterable, Sendable {
  case json, ndjson, csv

  /// The format a file name suggests, if any.
  public static func guess(path: String) -> RecordFileFormat? {
    let name = Path.lastComponent(of: path).lowercased()
    if name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl") { return .ndjson }
    if name.hasSuffix(".csv") { return .csv }
    if name.hasSuffix(".json") { return .json }
    return nil
  }
}
