import Testing

@testable import ProjectCore

@Suite struct PathTests {
  /// Paths that need no folding come back as they are; the others are folded.
  @Test(arguments: [
    ("/srv/app/data/json/x_items.json", "/srv/app/data/json/x_items.json"), ("/", "/"), ("a", "a"),
    ("a/.../b", "a/.../b"), ("/a/.b/c.", "/a/.b/c."), ("/a/é/b", "/a/é/b"), ("", "."), (".", "."), ("./a", "a"),
    ("a/", "a"), ("/a//b", "/a/b"), ("//a", "/a"), ("a/./b", "a/b"), ("a/../b", "b"), ("/..", "/"),
    ("../a", "../a"), ("/a/b/..", "/a"), ("a/b/../../..", ".."), ("/a/b/", "/a/b"),
  ])
  func normalizeFoldsOnlyWhatNeedsFolding(path: String, expected: String) {
    #expect(Path.normalize(path) == expected)
    // The short way is taken only where folding would change nothing (`.` and `../a` take the
    // long way, which gives them back too).
    #expect(!Path.isNormal(path) || path == expected)
  }

  @Test func pathsWithNothingToFoldTakeTheShortWay() {
    for path in ["/srv/app/data/json/x_items.json", "/", "a", "a/.../b", "/a/.b/c.", "/a/é/b"] {
      #expect(Path.isNormal(path), "\(path)")
    }
  }
}
