/// RFC 3339 timestamps: the record clock (`2026-11-30T16:04:45.123Z`) and validation of
/// `datetime` and `date` field values.
public enum Timestamp {
  /// Now, in UTC with milliseconds.
  public static func now() -> String { format(milliseconds: FileSystem.nowMilliseconds()) }

  /// Formats milliseconds since 1970 as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
  public static func format(milliseconds: Int64) -> String {
    let ms = ((milliseconds % 1000) + 1000) % 1000
    let seconds = (milliseconds - ms) / 1000
    let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
    let secondOfDay = seconds - days * 86400
    let (y, m, d) = civilDate(daysSinceEpoch: days)
    return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
      + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2) + "." + pad(ms, 3) + "Z"
  }

  static func pad(_ value: Int64, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
  }

  /// Howard Hinnant's days-to-civil algorithm.
  static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
    let z = daysSinceEpoch + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }

  static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = month > 2 ? month - 3 : month + 9
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
  }

  /// Parses a record timestamp: RFC 3339, or an ISO 8601 date-time without an offset (as
  /// Python's `datetime.isoformat()` writes it), read as UTC.
  public static func parseRecordTimestamp(_ text: String) -> Int64? {
    parseDateTime(text) ?? parseDateTime(text + "Z")
  }

  /// Parses an RFC 3339 date-time into milliseconds since 1970 (UTC); nil when it is not one.
  public static func parseDateTime(_ text: String) -> Int64? {
    var text = text
    return text.withUTF8(parseDateTime(bytes:))
  }

  static func parseDateTime(bytes b: UnsafeBufferPointer<UInt8>) -> Int64? {
    guard b.count >= 20, let date = parseDateBytes(b),
      b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == 0x20,
      let hh = number(b, 11, 2), b[13] == UInt8(ascii: ":"), let mi = number(b, 14, 2),
      b[16] == UInt8(ascii: ":"), let ss = number(b, 17, 2),
      hh < 24, mi < 60, ss < 61
    else { return nil }
    var i = 19
    var ms: Int64 = 0
    if i < b.count && b[i] == UInt8(ascii: ".") {
      i += 1
      let start = i
      while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 {
        if i - start < 3 { ms = ms * 10 + Int64(b[i] - 0x30) }
        i += 1
      }
      guard i > start else { return nil }
      for _ in 0..<max(0, 3 - (i - start)) { ms *= 10 }
    }
    guard i < b.count else { return nil }
    var offsetMinutes: Int64 = 0
    if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
      i += 1
    } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
      guard b.count - i == 6, let oh = number(b, i + 1, 2), b[i + 3] == UInt8(ascii: ":"),
        let om = number(b, i + 4, 2), oh < 24, om < 60
      else { return nil }
      offsetMinutes = (oh * 60 + om) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
      i += 6
    } else {
      return nil
    }
    guard i == b.count else { return nil }
    let seconds = date * 86400 + hh * 3600 + mi * 60 + min(ss, 59) - offsetMinutes * 60
    return seconds * 1000 + ms
  }

  /// Whether the text is an RFC 3339 full-date (`2026-11-30`).
  public static func isDate(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { $0.count == 10 && parseDateBytes($0) != nil }
  }

  /// Days since 1970 for the `YYYY-MM-DD` at the start of the bytes.
  static func parseDateBytes(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
    guard b.count >= 10, let y = number(b, 0, 4), b[4] == UInt8(ascii: "-"), let m = number(b, 5, 2),
      b[7] == UInt8(ascii: "-"), let d = number(b, 8, 2), (1...12).contains(m), d >= 1
    else { return nil }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    let length: Int64 = m == 2 ? (leap ? 29 : 28) : (m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31)
    guard d <= length else { return nil }
    return daysFromCivil(y, m, d)
  }

  static func number(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int64? {
    guard start + count <= b.count else { return nil }
    var value: Int64 = 0
    for i in start..<(start + count) {
      guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
      value = value * 10 + Int64(b[i] - 0x30)
    }
    return value
  }
}
