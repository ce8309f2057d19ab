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

  /// Parse, Bind (every parameter and result column in text form), Describe, Execute and
  /// Sync, for the unnamed statement and portal, in one buffer.
  static func extendedQuery(_ sql: String, _ parameters: [PostgresParameter]) -> [UInt8] {
    var parse = cString("") + cString(sql) + int16(Int16(parameters.count))
    for parameter in parameters { parse += int32(Int32(bitPattern: parameter.type)) }
    var bind = cString("") + cString("") + int16(0) + int16(Int16(parameters.count))
    for parameter in parameters {
      if let value = parameter.value {
        bind += int32(Int32(value.count))
        bind += value
      } else {
        bind += int32(-1)
      }
    }
    bind += int16(0)
    return typed("P", parse) + typed("B", bind) + typed("D", [UInt8(ascii: "P"), 0])
      + typed("E", cString("") + int32(0)) + typed("S", [])
  }

  static func copyData(_ data: [UInt8]) -> [UInt8] {
    var message: [UInt8] = [UInt8(ascii: "d")]
    message.reserveCapacity(data.count + 5)
    message += int32(Int32(data.count + 4))
    message += data
    return message
  }

  static func copyDone() -> [UInt8] { typed("c", []) }

  static func copyFail(_ reason: String) -> [UInt8] { typed("f", cString(reason)) }

  static func terminate() -> [UInt8] { typed("X", []) }

  private static func typed(_ type: Character, _ body: [UInt8]) -> [UInt8] {
    [type.asciiValue ?? 0] + int32(Int32(body.count + 4)) + body
  }

  private static func untyped(_ body: [UInt8]) -> [UInt8] { int32(Int32(body.count + 4)) + body }

  private static func int16(_ value: Int16) -> [UInt8] {
    let bits = UInt16(bitPattern: value)
    return [UInt8(bits >> 8), UInt8(bits & 0xFF)]
  }

  private static func int32(_ value: Int32) -> [UInt8] {
    let bits = UInt32(bitPattern: value)
    return [UInt8(bits >> 24), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits & 0xFF)]
  }

  private static func cString(_ text: String) -> [UInt8] { Array(text.utf8) + [0] }
}
