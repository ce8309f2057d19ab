import ArgumentParser
import ProjectCore

/// `project backup [--to DIR]`: a consistent snapshot of every store this binary can copy, a
/// copy of the manifest and `SHA256SUMS`, in a new folder. Stores it cannot copy (a database
/// server) are listed as not included, with the command that backs them up.
struct BackupCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backup",
    abstract: "Copy every JSON and SQLite store, consistently, with the manifest and SHA256SUMS, into a new folder.",
    discussion: """
      The default folder is <data_dir>/backups/<YYYYMMDDTHHMMSSZ>/. Each SQLite database is copied \
      in one read transaction (VACUUM INTO), each JSON file under its writers' lock: writers wait \
      at most for that copy. A folder that exists and is not empty is refused.
      """)

  @OptionGroup var manifestOptions: ManifestOptions
  @Option(help: ArgumentHelp("The folder to write (default: <data_dir>/backups/<YYYYMMDDTHHMMSSZ>).", valueName: "dir"))
  var to: String?

  func run() throws {
    let manifest = try manifestOptions.load()
    let folder = Path.normalize(
      to.map { Path.join(FileSystem.currentDirectory(), $0) }
        ?? Path.join(manifest.dataDirectory, "backups/" + Self.folderName(Timestamp.now())))
    if FileSystem.exists(folder)
      && (!FileSystem.isDirectory(folder) || !FileSystem.contents(ofDirectory: folder).isEmpty)
    {
      throw CommandFailure.failure(
        "\(Path.display(folder)) exists and is not empty; a backup goes into a new or empty folder; nothing was written"
      )
    }
    var written: [String] = []
    do {
      try write(manifest, into: folder, written: &written)
    } catch {
      // Nothing half made is left: the files and folders this backup wrote go.
      for path in written.reversed() { FileSystem.remove(path) }
      throw error
    }
  }

  func write(_ manifest: Manifest, into folder: String, written: inout [String]) throws {
    func create(_ path: String) throws {
      var missing: [String] = []
      var current = path
      while !FileSystem.exists(current) && current != "/" && current != "." {
        missing.insert(current, at: 0)
        current = Path.directory(of: current)
      }
      do throws(FileSystemError) { try FileSystem.createDirectories(path) } catch { throw StoreError.io(error) }
      written += missing
    }
    try create(folder)
    var lines: [String] = []
    var copied: [String] = []
    var seen: Set<String> = []
    for service in manifest.services {
      for backend in service.backends {
        let store = StoreFactory.store(backend, for: service)
        guard let copier = store as? BackupCopying else {
          let how =
            (store as? ExternallyBackedUp).map { "back it up with: \($0.backupCommand)" }
            ?? "this binary cannot copy it"
          lines.append("not included: \(service.name) [\(backend.rawValue)] \(store.location); \(how)")
          continue
        }
        let source = Path.normalize(copier.backupSource)
        guard seen.insert(source).inserted else { continue }
        let name = Self.name(of: source, dataDirectory: Path.normalize(manifest.dataDirectory))
        let destination = Path.join(folder, name)
        try create(Path.directory(of: destination))
        written.append(destination)
        if try copier.copyForBackup(to: destination) {
          copied.append(name)
          lines.append("copied \(Path.display(source)) to \(Path.display(destination))")
        } else {
          written.removeLast()
          lines.append("nothing to copy: \(Path.display(source)) has not been written yet")
        }
      }
    }
    let manifestName = Path.lastComponent(of: manifest.path)
    let manifestCopy = Path.join(folder, manifestName)
    written.append(manifestCopy)
    do throws(FileSystemError) {
      try FileSystem.copy(manifest.path, to: manifestCopy)
      var sums = ""
      for name in (copied + [manifestName]).sorted() {
        sums += SHA256Digest.hex(try SHA256Digest.of(file: Path.join(folder, name))) + "  " + name + "\n"
      }
      let sumsPath = Path.join(folder, "SHA256SUMS")
      written.append(sumsPath)
      try FileSystem.writeAtomically(Array(sums.utf8), to: sumsPath)
    } catch {
      throw StoreError.io(error)
    }
    lines.append(
      "backup in \(Path.display(folder)): \(copied.count) store file\(copied.count == 1 ? "" : "s"), \(manifestName), SHA256SUMS"
    )
    print(lines.joined(separator: "\n"))
  }

  /// `20261202T021800Z` from `2026-12-02T02:18:00.123Z`.
  static func folderName(_ timestamp: String) -> String {
    String(timestamp.prefix(19).filter { $0 != "-" && $0 != ":" }) + "Z"
  }

  /// Where a store file goes in the backup: its path under `data_dir`, or under `external/`
  /// with its absolute path for a store the manifest puts elsewhere.
  static func name(of source: String, dataDirectory: String) -> String {
    if Path.isInside(source, dataDirectory) && source != dataDirectory {
      return String(source.dropFirst(dataDirectory.count).drop { $0 == "/" })
    }
    return "external" + source
  }
}
