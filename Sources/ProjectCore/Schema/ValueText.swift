/// Short renderings of values for error messages.
public enum ValueText {
  /// Compact JSON, cut to about 60 characters.
  public static func preview(_ value: JSONValue) -> String {
    let text = JSONWriter.string(value)
    return text.count > 60 ? String(text.prefix(57)) + "..." : text
  }

  /// A number without a needless `.0`.
  public static func number(_ d: Double) -> String {
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    return JSONWriter.formatDouble(d)
  }
}
