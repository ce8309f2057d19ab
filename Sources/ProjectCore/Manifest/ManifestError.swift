/// A problem in the manifest, pointing like a compiler: `project.yaml:12:7: services.x.type: ...`.
public struct ManifestError: ProjectError, Sendable {
  public var exitCode: Int32 { 2 }
  public var file: String
  public var mark: SourceMark?
  /// The YAML path of the offending node, such as `services.example.fields.count.type`.
  public var path: String
  public var message: String

  public init(file: String, mark: SourceMark?, path: String, message: String) {
    self.file = file
    self.mark = mark
    self.path = path
    self.message = message
  }

  public var description: String {
    var text = file
    if let mark { text += ":\(mark.line):\(mark.column)" }
    text += ": "
    if !path.isEmpty { text += "\(path): " }
    return text + message
  }
}
