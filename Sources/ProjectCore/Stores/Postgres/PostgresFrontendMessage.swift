/// The bytes of the messages the client sends (protocol v3): a type byte, then a big-endian
/// Int32 length that counts itself, then the body. The startup and SSL request have no type.
enum PostgresFrontendMessage {
  static let protocolVersion: Int32 = 196_608  // 3.0
  static let sslRequestCode: Int32 = 80_877_103

  static func sslRequest() -> [UInt8] { untyped(int32(sslRequestCode)) }

  static func startup(user: String, database: String) -> [UInt8] {
    var body = int32(protocolVersion)
    for (name, value) in [
      ("user", user), ("database", database), ("client_encoding", "UTF8"), ("application_name", "project"),
    ] {
      body += cString(name) + cString(value)
    }
    body.append(0)
    return untyped(body)
  }

  /// PasswordMessage: the cleartext or md5 password.
  static func password(_ text: String) -> [UInt8] { typed("p", cString(text)) }

  static func saslInitialResponse(mechanism: String, data: [UInt8]) -> [UInt8] {
    typed("p", cString(mechanism) + int32(Int32(data.count)) + data)
  }

  static func saslResponse(_ data: [UInt8]) -> [UInt8] { typed("p", data) }

  static func query(_ sql: String) -> [UInt8] { typed("Q", cString(sql)) }

  static func terminate() -> [UInt8] { typed("X", []) }

  private static func typed(_ type: Character, _ body: [UInt8]) -> [UInt8] {
    [type.asciiValue ?? 0] + int32(Int32(body.count + 4)) + body
  }

  private static func untyped(_ body: [UInt8]) -> [UInt8] { int32(Int32(body.count + 4)) + body }

  private static func int32(_ value: Int32) -> [UInt8] {
    let bits = UInt32(bitPattern: value)
    return [UInt8(bits >> 24), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits & 0xFF)]
  }

  private static func cString(_ text: String) -> [UInt8] { Array(text.utf8) + [0] }
}
