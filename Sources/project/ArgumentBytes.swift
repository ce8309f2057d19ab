import ProjectCore

#if canImport(Glibc)
  import Glibc
#endif

/// The command line as the process received it. `CommandLine.arguments` repairs bytes that are
/// not UTF-8 into U+FFFD, which would then be stored or matched as if typed; an argument that
/// is not UTF-8 is refused instead, as JSON input is, before anything runs.
enum ArgumentBytes {
  /// Ends the process with exit 2 and one sentence naming the first argument that is not
  /// valid UTF-8, if any.
  static func exitUnlessUTF8() {
    guard let message = firstInvalidArgument() else { return }
    exit(Main.report(CommandFailure.usage(message)))
  }

  /// Describes the first argument that is not valid UTF-8; nil when all are.
  static func firstInvalidArgument() -> String? {
    var previous: [UInt8]?
    for position in 1..<Int(CommandLine.argc) {
      guard let pointer = CommandLine.unsafeArgv[position] else { break }
      var length = 0
      while pointer[length] != 0 { length += 1 }
      let bytes = UnsafeRawPointer(pointer).withMemoryRebound(to: UInt8.self, capacity: length) {
        Array(UnsafeBufferPointer(start: $0, count: length))
      }
      guard let offset = invalidOffset(bytes) else {
        previous = bytes
        continue
      }
      var what = "argument \(position) ('\(escaped(bytes))'"
      if bytes.first != UInt8(ascii: "-"), let previous, previous.starts(with: Array("--".utf8)),
        !previous.contains(UInt8(ascii: "="))
      {
        what += ", the value of '\(String(decoding: previous, as: UTF8.self))'"
      }
      return what + ") is not valid UTF-8 at byte \(offset + 1); give the command line as UTF-8 text"
    }
    return nil
  }

  /// The offset of the first byte that does not start a well-formed UTF-8 character.
  static func invalidOffset(_ bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBufferPointer { all in
      var i = 0
      next: while i < all.count {
        for length in 1...4 where i + length <= all.count {
          if UTF8Text.isValid(UnsafeBufferPointer(rebasing: all[i..<(i + length)])) {
            i += length
            continue next
          }
        }
        return i
      }
      return nil
    }
  }

  /// The bytes as text, with every byte of a malformed character written `\xFF`.
  static func escaped(_ bytes: [UInt8]) -> String {
    var text = ""
    var rest = bytes[...]
    while !rest.isEmpty {
      let slice = Array(rest)
      let good = invalidOffset(slice) ?? slice.count
      text += String(decoding: slice[..<good], as: UTF8.self)
      rest = rest.dropFirst(good)
      if let byte = rest.first {
        let hex = String(byte, radix: 16, uppercase: true)
        text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
        rest = rest.dropFirst()
      }
    }
    return text
  }
}
