// libFuzzer target: ManifestLoader never crashes, hangs or recurses without bound on any
// text; errors are fine. An accepted manifest nests no type or default value deeper than the
// YAML reader's bound.
import FuzzSupport
import ProjectCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  check(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

func check(_ bytes: [UInt8]) {
  do {
    let manifest = try ManifestLoader.parse(bytes, path: "/fuzz/project.yaml")
    expect(!manifest.services.isEmpty, "a manifest without services was accepted")
    for service in manifest.services {
      let deepest = depth(of: service.schema)
      expect(
        deepest <= YAMLReader.maximumDepth,
        "service '\(service.name)' nests \(deepest) levels, deeper than YAMLReader.maximumDepth")
    }
  } catch {
    _ = error.description
  }
}

/// How deep a schema's types and default values nest, counted without recursion, so that a
/// bound the reader should have kept is caught here rather than by a stack overflow.
func depth(of schema: ObjectSchema) -> Int {
  var deepest = 0
  var specs = schema.fields.map { ($0.spec, 1) }
  var values: [(JSONValue, Int)] = []
  while let (spec, level) = specs.popLast() {
    deepest = max(deepest, level)
    if let value = spec.defaultValue { values.append((value, level)) }
    switch spec.type {
    case .array(let items): specs.append((items, level + 1))
    case .object(let nested): specs += nested.fields.map { ($0.spec, level + 1) }
    default: break
    }
  }
  while let (value, level) = values.popLast() {
    deepest = max(deepest, level)
    switch value {
    case .array(let items): values += items.map { ($0, level + 1) }
    case .object(let object): for (_, item) in object { values.append((item, level + 1)) }
    default: break
    }
  }
  return deepest
}

#if FUZZING
  // SwiftPM links every executable with `--defsym main=FuzzManifestLoader_main`, so the entry point must
  // have that name; it hands over to libFuzzer's driver.
  @_cdecl("FuzzManifestLoader_main")
  func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
  }
#else
  /// Without libFuzzer (a plain `swift build`), replays the files named on the command line.
  @main
  enum Replay {
    static func main() throws { try replayFiles(check) }
  }
#endif
