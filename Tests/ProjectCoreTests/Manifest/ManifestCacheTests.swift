import Foundation
import Testing

@testable import ProjectCore

/// A large manifest kept once checked: a command naming one service reads that service back as
/// the manifest builds it, and only while the manifest's bytes, its path and the binary are the
/// ones that were checked.
@Suite struct ManifestCacheTests {
  let folder = TemporaryFolder()

  func cache(binary: String = "project test 1") -> ManifestCache {
    ManifestCache(directory: folder.file("cache"), binary: binary)
  }

  /// Writes `scripts/many-services.sh count` as `name` and returns its path and bytes.
  func manifest(_ count: Int, as name: String = "project.yaml") throws -> (path: String, bytes: [UInt8]) {
    let text = try ManifestLoaderTests.manyServices(count)
    try folder.write(text, to: name)
    return (folder.file(name), Array(text.utf8))
  }

  func entries() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.file("cache"))) ?? []).sorted()
  }

  /// Writes an entry for the manifest's key whose `svc5` says `description`, so that a test can
  /// tell a service read from the cache from one read from the manifest.
  func plant(_ description: String, in cache: ManifestCache, for manifest: (path: String, bytes: [UInt8])) throws {
    let tree = try ManifestLoader.tree(manifest.bytes, path: manifest.path)
    cache.write(
      Self.replacing(in: tree, service: "svc5", description: description),
      key: cache.key(manifest.bytes, path: manifest.path), path: manifest.path)
  }

  @Test func aServiceReadFromTheCacheIsTheServiceTheManifestBuilds() throws {
    let manifest = try manifest(300)
    let cache = cache()
    let first = try ManifestLoader.load(path: manifest.path, only: "svc5", cache: cache)
    #expect(entries().count == 1)
    let key = cache.key(manifest.bytes, path: manifest.path)
    let tree = try ManifestLoader.tree(manifest.bytes, path: manifest.path)
    for name in ["svc0", "svc1", "svc5", "svc298", "svc299"] {
      let read = try #require(cache.read(key: key, path: manifest.path, service: name))
      #expect(Self.dump(read.root) == Self.dump(Self.keeping(name, of: tree)))
      let cached = try ManifestLoader.load(path: manifest.path, only: name, cache: cache)
      let direct = try ManifestLoader.parse(manifest.bytes, path: manifest.path, only: name)
      #expect(cached.services.map(\.name) == [name])
      #expect(cached.services == direct.services)
      #expect(cached.serviceNames == direct.serviceNames)
      #expect(cached.serviceNames.count == 300)
      #expect(cached.app == direct.app && cached.path == direct.path)
      #expect(cached.dataDirectory == direct.dataDirectory && cached.defaultBackend == direct.defaultBackend)
    }
    #expect(first.services == (try ManifestLoader.parse(manifest.bytes, path: manifest.path, only: "svc5")).services)
    #expect(cache.read(key: key, path: manifest.path, service: "svc300") == nil)
  }

  @Test func aCommandNamingOneServiceReadsItFromTheEntry() throws {
    let manifest = try manifest(40)
    let cache = cache()
    try plant("planted", in: cache, for: manifest)
    let loaded = try ManifestLoader.load(path: manifest.path, only: "svc5", cache: cache)
    #expect(loaded.services.map(\.description) == ["planted"])
    // A load of every service checks the whole file, and a service it does not hold is not read.
    #expect(try ManifestLoader.load(path: manifest.path, cache: cache).service(named: "svc5")?.description != "planted")
    #expect(try ManifestLoader.load(path: manifest.path, only: "svc40", cache: cache).services.isEmpty)
  }

  @Test func anEditedManifestIsCheckedWholeAndGivesItsOwnError() throws {
    let manifest = try manifest(40)
    let cache = cache()
    _ = try ManifestLoader.load(path: manifest.path, only: "svc5", cache: cache)
    let text = String(decoding: manifest.bytes, as: UTF8.self)
    let broken = text.replacingOccurrences(of: "  svc7:\n", with: "  svc7:\n    bogus: 1\n")
    try folder.write(broken, to: "project.yaml")
    let expected =
      "project.yaml:\(Self.line(of: "    bogus: 1", in: broken)):5: services.svc7.bogus: unknown key 'bogus'"
    let error = Self.failure { _ = try ManifestLoader.load(path: manifest.path, only: "svc5", cache: cache) }
    #expect(error.contains(expected), "\(error)")
    #expect(error == Self.failure { _ = try ManifestLoader.parse(Array(broken.utf8), path: manifest.path) })
    let renamed = text.replacingOccurrences(of: "description: Servers in the fleet", with: "description: Renamed")
    try folder.write(renamed, to: "project.yaml")
    #expect(
      try ManifestLoader.load(path: manifest.path, only: "svc5", cache: cache).services[0].description == "Renamed")
    #expect(entries().count == 1)
  }

  @Test func anEntryOfAnotherBinaryOrPathIsPassedOver() throws {
    let manifest = try manifest(40)
    try plant("planted", in: cache(binary: "project test 1"), for: manifest)
    let other = cache(binary: "project test 2")
    #expect(
      try ManifestLoader.load(path: manifest.path, only: "svc5", cache: other).services[0].description != "planted")
    let copy = try self.manifest(40, as: "copy/project.yaml")
    #expect(cache().entryPath(forManifest: copy.path) != cache().entryPath(forManifest: manifest.path))
    #expect(cache().key(copy.bytes, path: copy.path) != cache().key(manifest.bytes, path: manifest.path))
    #expect(try ManifestLoader.load(path: copy.path, only: "svc5", cache: cache()).services[0].description != "planted")
  }

  /// Every byte of an entry changed, and the entry cut short at every length: the service read
  /// is the planted one or none (the manifest is then read), never another, and nothing crashes.
  @Test func anEntryThatDoesNotReadBackWholeIsPassedOver() throws {
    let manifest = try manifest(30)
    let cache = cache()
    try plant("planted", in: cache, for: manifest)
    let entry = cache.entryPath(forManifest: manifest.path)
    let good = Array(try Data(contentsOf: URL(fileURLWithPath: entry)))
    let key = cache.key(manifest.bytes, path: manifest.path)
    var header = YAMLNode.Decoder(good[...])
    _ = header.take(ManifestCache.magic.count + ManifestCache.digestSize)
    let indexSize = header.number() ?? good.count
    let headerAndIndex = header.position + ManifestCache.digestSize + indexSize
    let planted = try Self.dump(#require(cache.read(key: key, path: manifest.path, service: "svc5")).root)
    #expect(planted.contains("\"planted\""))
    var passedOver = 0
    func check(_ bytes: [UInt8], _ what: String, mustPassOver: Bool) throws {
      try Data(bytes).write(to: URL(fileURLWithPath: entry))
      if let read = cache.read(key: key, path: manifest.path, service: "svc5") {
        #expect(!mustPassOver && Self.dump(read.root) == planted, "\(what)")
      } else {
        passedOver += 1
      }
    }
    for i in 0..<good.count where i < headerAndIndex || i % 7 == 0 {
      var bytes = good
      bytes[i] ^= 0x5A
      try check(bytes, "byte \(i) changed", mustPassOver: i < headerAndIndex)
      try check(Array(good[..<i]), "cut to \(i) bytes", mustPassOver: true)
    }
    #expect(passedOver > 0)
    try check(good, "whole", mustPassOver: false)
    #expect(
      try ManifestLoader.load(path: manifest.path, only: "svc5", cache: cache).services[0].description == "planted")
  }

  @Test func decodingAnyBytesNeverCrashes() throws {
    let tree = try ManifestLoader.tree(try manifest(2).bytes, path: folder.file("project.yaml"))
    var encoded: [UInt8] = []
    tree.encode(into: &encoded)
    var decoder = YAMLNode.Decoder(encoded[...])
    #expect(decoder.node().map(Self.dump) == Self.dump(tree) && decoder.atEnd)
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<3000 {
      var bytes = encoded
      for _ in 0..<Int.random(in: 1...4, using: &generator) {
        bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
      }
      if Bool.random(using: &generator) { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &generator)) }
      var mutated = YAMLNode.Decoder(bytes[...])
      _ = mutated.node()
    }
    var deep = YAMLNode.Decoder(ArraySlice(Array(repeating: [2, 1, 1, 1], count: 10_000).joined()))
    #expect(deep.node() == nil)
  }

  @Test func aFolderThatCannotBeWrittenMeansNoCacheAndNoError() throws {
    let manifest = try manifest(40)
    try folder.write("a file, not a folder", to: "blocked")
    let cache = ManifestCache(directory: folder.file("blocked/cache"), binary: "project test 1")
    for _ in 0..<2 {
      #expect(try ManifestLoader.load(path: manifest.path, only: "svc5", cache: cache).services.count == 1)
    }
  }

  @Test func aSmallManifestIsReadWithoutACache() throws {
    let manifest = try manifest(4)
    #expect(manifest.bytes.count < ManifestCache.minimumManifestSize)
    _ = try ManifestLoader.load(path: manifest.path, only: "svc1", cache: cache())
    _ = try ManifestLoader.load(path: manifest.path, cache: cache())
    #expect(entries().isEmpty)
    let large = try self.manifest(30, as: "large.yaml")
    #expect(large.bytes.count >= ManifestCache.minimumManifestSize)
    _ = try ManifestLoader.load(path: large.path, cache: cache())
    #expect(entries().count == 1)
  }

  // MARK: Trees

  static func dump(_ node: YAMLNode) -> String {
    let mark = "@\(node.mark.line):\(node.mark.column)"
    switch node {
    case .scalar(let text, let plain, _): return (plain ? "" : "'") + text.debugDescription + mark
    case .sequence(let items, _): return "[" + items.map(dump).joined(separator: ", ") + "]" + mark
    case .mapping(let pairs, _):
      return "{" + pairs.map { dump($0.key) + ": " + dump($0.value) }.joined(separator: ", ") + "}" + mark
    }
  }

  /// The manifest's tree with `service` alone under `services:`.
  static func keeping(_ service: String, of root: YAMLNode) -> YAMLNode {
    mapServices(root) { pairs in pairs.filter { $0.key.scalarText == service } }
  }

  static func replacing(in root: YAMLNode, service: String, description: String) -> YAMLNode {
    mapServices(root) { pairs in
      pairs.map { pair in
        guard pair.key.scalarText == service, case .mapping(let fields, let mark) = pair.value else { return pair }
        let changed = fields.map { field in
          field.key.scalarText == "description"
            ? (field.key, YAMLNode.scalar(description, plain: true, field.value.mark)) : field
        }
        return (pair.key, .mapping(changed, mark))
      }
    }
  }

  static func mapServices(
    _ root: YAMLNode, _ change: ([(key: YAMLNode, value: YAMLNode)]) -> [(key: YAMLNode, value: YAMLNode)]
  ) -> YAMLNode {
    guard case .mapping(let pairs, let mark) = root else { return root }
    return .mapping(
      pairs.map { pair in
        guard pair.key.scalarText == "services", case .mapping(let services, let servicesMark) = pair.value else {
          return pair
        }
        return (pair.key, .mapping(change(services), servicesMark))
      }, mark)
  }

  static func line(of text: String, in document: String) -> Int {
    (document.components(separatedBy: "\n").firstIndex(of: text) ?? -1) + 1
  }

  static func failure(_ body: () throws -> Void) -> String {
    do {
      try body()
      return "no error"
    } catch {
      return "\(error)"
    }
  }
}
