/// "1 record", "2 records".
public enum Plural {
  public static func records(_ count: Int) -> String { count == 1 ? "1 record" : "\(count) records" }
}
