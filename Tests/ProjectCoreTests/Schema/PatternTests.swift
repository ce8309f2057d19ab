import Testing

@testable import ProjectCore

/// `pattern:` is matched by RE2: linear time in the value for every pattern it accepts, JSON
/// Schema's semantics (an unanchored search over code points), and what RE2 lacks is refused
/// when the manifest loads, with the position inside the pattern.
@Suite struct PatternTests {
  static let path = "/srv/app/project.yaml"

  /// A manifest whose service `example` has one string field `v` with the pattern, written as a
  /// single-quoted YAML scalar (backslashes stay as they are). The value starts at 5:35.
  static func manifest(_ pattern: String) -> String {
    """
    version: 1
    services:
      example:
        fields:
          v: { type: string, pattern: '\(pattern.replacingOccurrences(of: "'", with: "''"))' }
    """
  }

  static func validator(_ pattern: String) throws -> SchemaValidator {
    let manifest = try ManifestLoader.parse(Array(manifest(pattern).utf8), path: path)
    return SchemaValidator(schema: try #require(manifest.service(named: "example")).schema)
  }

  /// Whether the value passes the field's pattern.
  static func passes(_ value: String, _ validator: SchemaValidator) -> Bool {
    validator.validate(JSONObject([("v", .string(value))]), applyDefaults: false).1.isEmpty
  }

  static func loadError(_ pattern: String) -> String {
    do {
      _ = try ManifestLoader.parse(Array(manifest(pattern).utf8), path: path)
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  /// Patterns which a backtracking engine answers in time exponential in the
  /// value (30 characters took 1 s, 39 took 42 s): each gets a correct verdict on values of
  /// 100,000 characters and more. No timing is asserted; the limit only turns a hang into a
  /// failure.
  @Test(.timeLimit(.minutes(1)))
  func blowUpPatternsAnswerLongValues() throws {
    let many = String(repeating: "a", count: 100_000)
    let every = String(repeating: String(repeating: "b", count: 5_000) + "a", count: 20)
    let cases: [(pattern: String, matching: [String], failing: [String])] = [
      ("^(a|aa)+$", [many], [many + "!", "!" + many]),
      ("^(a|a)*$", [many, ""], [many + "!"]),
      ("^(a?){30}a{30}$", [String(repeating: "a", count: 45)], [many + "!", many, String(repeating: "a", count: 29)]),
      (
        "^(.*a){20}$", [every, many],
        [every + "b", String(repeating: "a", count: 19) + many.replacingOccurrences(of: "a", with: "b")]
      ),
      ("^(a+)+$", [many], [many + "!"]),
      (
        "(x+x+)+y", ["xxy" + many, String(repeating: "x", count: 50_000) + "y"],
        [String(repeating: "x", count: 100_000)]
      ),
    ]
    for (pattern, matching, failing) in cases {
      let validator = try Self.validator(pattern)
      for (value, expected) in matching.map({ ($0, true) }) + failing.map({ ($0, false) }) {
        let passes = Self.passes(value, validator)
        #expect(passes == expected, "\(pattern) on \(value.prefix(40))… (\(value.count) characters)")
      }
    }
  }

  /// A pattern whose DFA needs far more states than the memory budget holds (the 21st
  /// character from the end is an `a`: 2^21 states) over a 1 MB value: RE2 goes on without
  /// the DFA cache, and the verdict is still right both ways.
  @Test(.timeLimit(.minutes(1)))
  func aMatchThatOutgrowsTheMemoryBudgetStillGivesTheRightVerdict() throws {
    let validator = try Self.validator("^[ab]*a[ab]{20}$")
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var bytes = (0..<1_000_000).map { _ -> UInt8 in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (state >> 33) & 1 == 0 ? UInt8(ascii: "a") : UInt8(ascii: "b")
    }
    bytes[bytes.count - 21] = UInt8(ascii: "a")
    #expect(Self.passes(String(decoding: bytes, as: UTF8.self), validator))
    bytes[bytes.count - 21] = UInt8(ascii: "b")
    #expect(!Self.passes(String(decoding: bytes, as: UTF8.self), validator))
  }

  /// JSON Schema's `pattern`: found anywhere unless anchored, and `.` is one code point (not one
  /// user-perceived character); classes such as `\d` are RE2's ASCII ones.
  @Test func patternsAreAnUnanchoredSearchOverCodePoints() throws {
    let b = try Self.validator("b")
    #expect(Self.passes("abc", b))
    #expect(!Self.passes("ac", b))
    let one = try Self.validator("^.$")
    #expect(Self.passes("\u{E9}", one))  // é, precomposed
    #expect(Self.passes("😀", one))
    #expect(!Self.passes("e\u{301}", one))  // é as e + combining acute: two code points
    #expect(!Self.passes("👍🏽", one))  // thumbs up + skin tone modifier
    let twoCodePoints = try Self.validator("^..$")
    #expect(Self.passes("e\u{301}", twoCodePoints))
    let greek = try Self.validator("^\\p{Greek}+$")
    #expect(Self.passes("αβγ", greek))
    #expect(!Self.passes("abc", greek))
    let digit = try Self.validator("^\\d$")
    #expect(Self.passes("7", digit))
    #expect(!Self.passes("\u{663}", digit))  // ARABIC-INDIC DIGIT THREE
    #expect(!Self.passes("ABC", try Self.validator("^abc$")))
    #expect(Self.passes("ABC", try Self.validator("(?i)^abc$")))
    #expect(Self.passes("ab", try Self.validator("^(?P<first>a)b$")))
  }

  /// What RE2 does not have is refused at load, with the file position of the `pattern:` value
  /// and the character position inside the pattern, counted in code points.
  @Test func patternsRE2LacksAreRefusedWithTheirPosition() {
    func refusal(_ pattern: String, _ reason: String) -> String {
      "\(Self.path):5:35: services.example.fields.v.pattern: pattern '\(pattern)' is refused: \(reason)"
    }
    let cases: [(pattern: String, reason: String)] = [
      (#"(a)\1"#, #"invalid escape sequence: \1 (at character 4 of the pattern)"#),
      (#"^(\w+) \1$"#, #"invalid escape sequence: \1 (at character 8 of the pattern)"#),
      ("^x(?=y)", "invalid perl operator: (?= (at character 3 of the pattern)"),
      ("^x(?!y)", "invalid perl operator: (?! (at character 3 of the pattern)"),
      ("(?<=x)y", "invalid perl operator: (?< (at character 1 of the pattern)"),
      ("(?<!x)y", "invalid perl operator: (?< (at character 1 of the pattern)"),
      ("(?>a)", "invalid perl operator: (?> (at character 1 of the pattern)"),
      ("^a++$", "bad repetition operator: ++ (at character 3 of the pattern)"),
      // Positions count code points, not bytes.
      ("é€(?=y)", "invalid perl operator: (?= (at character 3 of the pattern)"),
      // The fragment also stands earlier, inside a class where it is allowed: the position is
      // that of the occurrence RE2 refused.
      ("[(?=]a(?=b)", "invalid perl operator: (?= (at character 7 of the pattern)"),
      (#"(a{100}){100}"#, "invalid repetition size: {100} (at character 9 of the pattern)"),
      (#"[\1]a\1"#, #"invalid escape sequence: \1 (at character 2 of the pattern)"#),
      ("[z-a]", "invalid character class range: z-a (at character 2 of the pattern)"),
      (#"ab\"#, #"trailing \ (at character 3 of the pattern)"#),
      ("ab)c(d)", "unexpected ): ab)c(d) (at character 3 of the pattern)"),
      ("x(a|b", "missing ): x(a|b"),
    ]
    for (pattern, reason) in cases {
      #expect(Self.loadError(pattern) == refusal(pattern, reason))
    }
  }

  /// RE2's memory budget for one pattern: a pattern whose compiled program does not fit is an
  /// error at load, never a wrong verdict when a value is matched.
  @Test func patternsOverTheMemoryBudgetAreRefusedAtLoad() throws {
    for pattern in [#"\pL{1000}"#, #"(\pL{100}){10}"#] {
      #expect(
        Self.loadError(pattern)
          == "\(Self.path):5:35: services.example.fields.v.pattern: pattern '\(pattern)' is refused: pattern too large - compile failed: it needs more than RE2's memory budget of 8 MiB for one pattern; make it smaller (fewer or smaller counted repetitions)"
      )
    }
    let fits = try Self.validator(#"^\pL{300}$"#)
    #expect(Self.passes(String(repeating: "é", count: 300), fits))
    #expect(!Self.passes(String(repeating: "é", count: 299) + "1", fits))
  }
}
