#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Large manifests, kept once checked: the YAML tree of a manifest that loaded without an
/// error, cut into its top-level settings and one piece per service, so that a command naming
/// one service reads two pieces instead of reading and checking the whole file again.
///
/// An entry holds only for the bytes it was written from, at the same path, read by the same
/// binary: its key is the SHA-256 of the binary's version and file, the manifest's path and a
/// digest of its bytes. When any of them differs the whole manifest is read and checked, and its
/// errors are the ones it always gave. Each piece carries its own digest; an entry that does not
/// read back whole is passed over. Writing one is best effort: a folder that cannot be written
/// means no cache, never an error. `Architecture.md` ("A large manifest is kept checked") says
/// where entries live.
public struct ManifestCache: Sendable {
  /// A smaller manifest is read and checked faster than an entry is found and read.
  public static let minimumManifestSize = 16 * 1024
  static let magic = Array("project manifest cache 1\n".utf8)
  static let digestSize = 32

  public let directory: String
  /// What tells this binary from another.
  let binary: String

  public init(directory: String, binary: String) {
    self.directory = directory
    self.binary = binary
  }

  /// The user's cache: `$PROJECT_CACHE_DIR` (`off` for none), else `$XDG_CACHE_HOME/project`,
  /// else `$HOME/.cache/project`. Nil when none is named, or when the running binary's file
  /// cannot be looked at (an entry must not outlive the binary that checked it).
  public static func ofUser(version: String) -> ManifestCache? {
    let folder: String
    if let chosen = FileSystem.environment("PROJECT_CACHE_DIR"), !chosen.isEmpty {
      if chosen == "off" { return nil }
      folder = Path.isAbsolute(chosen) ? chosen : Path.join(FileSystem.currentDirectory(), chosen)
    } else if let base = FileSystem.environment("XDG_CACHE_HOME"), Path.isAbsolute(base) {
      folder = Path.join(base, "project")
    } else if let home = FileSystem.environment("HOME"), Path.isAbsolute(home) {
      folder = Path.join(home, ".cache/project")
    } else {
      return nil
    }
    var info = stat()
    guard stat("/proc/self/exe", &info) == 0 else { return nil }
    let file = "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    return ManifestCache(directory: Path.normalize(folder), binary: "\(version) \(file)")
  }

  /// The entry of the manifest at `path`: one per manifest, replaced when it changes.
  func entryPath(forManifest path: String) -> String {
    let name = SHA256Digest.hex(Array(SHA256Digest.of(Array(path.utf8)).prefix(8)))
    return Path.join(directory, "manifest-\(name).cache")
  }

  /// What an entry is good for: this binary, reading these bytes at this path.
  func key(_ bytes: [UInt8], path: String) -> [UInt8] {
    SHA256Digest.of(Array("\(binary)\u{0}\(path)\u{0}".utf8) + SHA256Digest.of(bytes))
  }

  /// The manifest from its entry, built for `service` alone as `ManifestLoader` builds it; nil
  /// when there is no entry for `key`, it does not read back whole, or it has no `service`.
  func manifest(key: [UInt8], path: String, service: String) -> Manifest? {
    guard let (root, names) = read(key: key, path: path, service: service),
      var manifest = try? ManifestLoader.check(root, path: path, only: service)
    else { return nil }
    manifest.serviceNames = names
    return manifest
  }

  /// The top-level settings with `service` alone under `services:`, and the names of every
  /// declared service.
  func read(key: [UInt8], path: String, service: String) -> (root: YAMLNode, names: [String])? {
    guard let file = try? ReadOnlyFile(path: entryPath(forManifest: path)), let bytes = try? file.readAll() else {
      return nil
    }
    var reader = YAMLNode.Decoder(bytes[...])
    guard reader.take(Self.magic.count)?.elementsEqual(Self.magic) == true,
      reader.take(Self.digestSize)?.elementsEqual(key) == true,
      let indexSize = reader.number(), let indexDigest = reader.take(Self.digestSize),
      let index = reader.take(indexSize), Self.digest(index).elementsEqual(indexDigest)
    else { return nil }
    let pieces = reader.take(bytes.endIndex - reader.position) ?? []
    var entries = YAMLNode.Decoder(index)
    guard let count = entries.number(), count >= 1 else { return nil }
    var names: [String] = []
    var top: ArraySlice<UInt8>?
    var wanted: ArraySlice<UInt8>?
    for i in 0..<count {
      guard let nameSize = entries.number(), let nameBytes = entries.take(nameSize),
        let name = String(validating: nameBytes, as: UTF8.self),
        let offset = entries.number(), let size = entries.number(), let digest = entries.take(Self.digestSize),
        offset <= pieces.count - size
      else { return nil }
      let piece = pieces[pieces.startIndex + offset..<pieces.startIndex + offset + size]
      if i == 0 {
        top = piece
        guard Self.digest(piece).elementsEqual(digest) else { return nil }
        continue
      }
      names.append(name)
      if name == service {
        guard Self.digest(piece).elementsEqual(digest) else { return nil }
        wanted = piece
      }
    }
    guard entries.atEnd, let top, let wanted else { return nil }
    var topReader = YAMLNode.Decoder(top)
    var serviceReader = YAMLNode.Decoder(wanted)
    guard case .mapping(var pairs, let rootMark)? = topReader.node(), topReader.atEnd,
      let services = pairs.firstIndex(where: { $0.key.scalarText == "services" }),
      case .mapping(let empty, let servicesMark) = pairs[services].value, empty.isEmpty,
      let name = serviceReader.node(), name.scalarText == service, let definition = serviceReader.node(),
      serviceReader.atEnd
    else { return nil }
    pairs[services].value = .mapping([(name, definition)], servicesMark)
    return (.mapping(pairs, rootMark), names)
  }

  /// Keeps the tree of a manifest that loaded without an error. Nothing is said when it cannot.
  func write(_ root: YAMLNode, key: [UInt8], path: String) {
    guard case .mapping(var pairs, let rootMark) = root,
      let services = pairs.firstIndex(where: { $0.key.scalarText == "services" }),
      case .mapping(let declared, let servicesMark) = pairs[services].value
    else { return }
    pairs[services].value = .mapping([], servicesMark)
    var top: [UInt8] = []
    YAMLNode.mapping(pairs, rootMark).encode(into: &top)
    var pieces: [(name: String, bytes: [UInt8])] = [("", top)]
    for (name, definition) in declared {
      guard let text = name.scalarText else { return }
      var piece: [UInt8] = []
      name.encode(into: &piece)
      definition.encode(into: &piece)
      pieces.append((text, piece))
    }
    var index: [UInt8] = []
    YAMLNode.encode(pieces.count, into: &index)
    var offset = 0
    for piece in pieces {
      YAMLNode.encode(piece.name.utf8.count, into: &index)
      index.append(contentsOf: piece.name.utf8)
      YAMLNode.encode(offset, into: &index)
      YAMLNode.encode(piece.bytes.count, into: &index)
      index.append(contentsOf: Self.digest(piece.bytes[...]))
      offset += piece.bytes.count
    }
    var file = Self.magic + key
    YAMLNode.encode(index.count, into: &file)
    file += Self.digest(index[...])
    file += index
    for piece in pieces { file += piece.bytes }
    let entry = entryPath(forManifest: path)
    do {
      try FileSystem.createDirectories(directory)
      FileSystem.removeStaleTempFiles(besides: entry)
      let writer = try AtomicFileWriter(path: entry)
      try writer.write(file)
      try writer.commit(durable: false)
    } catch {
      return
    }
  }

  static func digest(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    bytes.withContiguousStorageIfAvailable { SHA256Digest.of(UnsafeRawBufferPointer($0)) }
      ?? SHA256Digest.of(Array(bytes))
  }
}
