import ArgumentParser
import ProjectCore

#if canImport(Glibc)
  import Glibc
#endif

/// `project init [DIR]`: a starter manifest and data folders; never overwrites.
struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init", abstract: "Write a commented starter project.yaml and the data folders (never overwrites).")

  @Argument(help: "The folder to set up (default: the current folder).")
  var directory: String = "."

  func run() throws {
    let folder = Path.normalize(Path.join(FileSystem.currentDirectory(), directory))
    let manifestPath = Path.join(folder, ManifestLoader.fileName)
    if FileSystem.exists(manifestPath) {
      throw CommandFailure.failure("\(Path.display(manifestPath)) already exists; init never overwrites it")
    }
    try FileSystem.createDirectories(Path.join(folder, "data/json"))
    try FileSystem.createDirectories(Path.join(folder, "data/db"))
    try FileSystem.writeAtomically(Array(StarterManifest.text.utf8), to: manifestPath)
    print("wrote \(Path.display(manifestPath)) and \(Path.display(Path.join(folder, "data")))/{json,db}")
  }
}
