import Testing

@testable import ProjectCore

@Suite struct TimestampTests {
  @Test func formatsUTCWithMilliseconds() {
    #expect(Timestamp.format(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
    #expect(Timestamp.format(milliseconds: 1_796_056_285_123) == "2026-11-30T16:31:25.123Z")
    #expect(Timestamp.format(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
  }

  @Test func parsesRFC3339WithOffsets() {
    #expect(Timestamp.parseDateTime("2026-11-30T16:31:25.123Z") == 1_796_056_285_123)
    #expect(Timestamp.parseDateTime("2026-11-30T18:31:25.123+02:00") == 1_796_056_285_123)
    #expect(Timestamp.parseDateTime("2026-11-30T16:31:25Z") == 1_796_056_285_000)
    #expect(Timestamp.parseDateTime("2026-11-30T16:31:25.123456Z") == 1_796_056_285_123)
  }

  @Test func rejectsWhatIsNotADateTime() {
    for text in [
      "2026-12-01", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-12-01T24:00:00Z", "2026-12-01T10:00:00",
      "yesterday", "",
    ] {
      #expect(Timestamp.parseDateTime(text) == nil, "\(text)")
    }
  }

  @Test func datesAreCheckedForRealDays() {
    #expect(Timestamp.isDate("2024-02-29"))
    #expect(!Timestamp.isDate("2023-02-29"))
    #expect(!Timestamp.isDate("2024-2-29"))
  }

  @Test func uuid7IdsAreTimeOrderedAndWellFormed() {
    let ids = (0..<2000).map { _ in RecordID.uuid7() }
    #expect(ids == ids.sorted())
    #expect(Set(ids).count == ids.count)
    for id in ids.prefix(5) {
      #expect(id.count == 36)
      #expect(Array(id)[14] == "7")
      #expect("89ab".contains(Array(id)[19]))
    }
    let v4 = RecordID.uuid4()
    #expect(Array(v4)[14] == "4")
  }
}
