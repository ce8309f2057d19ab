/// "1 record", "2 records".
public enum Plural {
  public static func records(_ count: Int) -> String { count == 1 ? "1 record" : "\(count) records" }

  /// "1 record", "1,204 records": thousands grouped, for plans that ops read at a glance.
  public static func groupedRecords(_ count: Int) -> String {
    var digits = String(count.magnitude)
    var groups: [Substring] = []
    while digits.count > 3 {
      groups.insert(digits.suffix(3), at: 0)
      digits.removeLast(3)
    }
    groups.insert(Substring(digits), at: 0)
    let text = (count < 0 ? "-" : "") + groups.joined(separator: ",")
    return count == 1 ? "1 record" : "\(text) records"
  }
}
