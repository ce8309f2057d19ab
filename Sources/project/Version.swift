import ArgumentParser
import ProjectCore

enum Version {
  static let number = "0.1.0"
  static var text: String {
    "project \(number) (" + (StoreFactory.libraries + ["libyaml \(YAMLReader.libraryVersion)"]).joined(separator: ", ")
      + ")"
  }
}
