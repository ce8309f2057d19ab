import COpenSSL

/// The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding, as
/// PostgreSQL runs it: the user name is sent empty (the startup message names the user). The
/// primitives (PBKDF2, HMAC, SHA-256, random bytes, base64) are libcrypto's.
struct PostgresSCRAM {
  static let mechanism = "SCRAM-SHA-256"
  private let password: String
  private let clientNonce: String
  private var clientFirstBare: String { "n=,r=\(clientNonce)" }
  private var expectedServerSignature: [UInt8] = []

  init(password: String) throws(PostgresSCRAMFailure) {
    var random = [UInt8](repeating: 0, count: 18)
    guard RAND_bytes(&random, Int32(random.count)) == 1 else {
      throw PostgresSCRAMFailure(reason: "cannot make a random nonce")
    }
    self.password = password
    clientNonce = Self.base64(random)
  }

  /// client-first-message: no channel binding ("n,,").
  var clientFirstMessage: [UInt8] { Array(("n,," + clientFirstBare).utf8) }

  /// Answers server-first-message ("r=...,s=...,i=...") with client-final-message.
  mutating func clientFinalMessage(serverFirst: [UInt8]) throws(PostgresSCRAMFailure) -> [UInt8] {
    let text = String(decoding: serverFirst, as: UTF8.self)
    let attributes = Self.attributes(text)
    guard let nonce = attributes["r"], nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count,
      let saltText = attributes["s"], let salt = Self.unbase64(saltText),
      let iterations = attributes["i"].flatMap({ Int32($0) }), iterations > 0
    else { throw PostgresSCRAMFailure(reason: "the server's SCRAM challenge is malformed") }

    var salted = [UInt8](repeating: 0, count: 32)
    let passwordBytes = Array(password.utf8)
    guard
      PKCS5_PBKDF2_HMAC(
        passwordBytes.map { CChar(bitPattern: $0) }, Int32(passwordBytes.count), salt, Int32(salt.count), iterations,
        EVP_sha256(), Int32(salted.count), &salted) == 1
    else { throw PostgresSCRAMFailure(reason: "PBKDF2 failed") }

    let clientKey = try Self.hmac(key: salted, Array("Client Key".utf8))
    let storedKey = try Self.sha256(clientKey)
    let withoutProof = "c=biws,r=\(nonce)"
    let authMessage = Array("\(clientFirstBare),\(text),\(withoutProof)".utf8)
    let clientSignature = try Self.hmac(key: storedKey, authMessage)
    let proof = zip(clientKey, clientSignature).map { $0 ^ $1 }
    let serverKey = try Self.hmac(key: salted, Array("Server Key".utf8))
    expectedServerSignature = try Self.hmac(key: serverKey, authMessage)
    return Array("\(withoutProof),p=\(Self.base64(proof))".utf8)
  }

  /// Checks server-final-message ("v=..."): the server proves it knew the password too.
  func verify(serverFinal: [UInt8]) throws(PostgresSCRAMFailure) {
    let attributes = Self.attributes(String(decoding: serverFinal, as: UTF8.self))
    if let error = attributes["e"] { throw PostgresSCRAMFailure(reason: "SCRAM authentication failed: \(error)") }
    guard let signature = attributes["v"].flatMap(Self.unbase64), !expectedServerSignature.isEmpty,
      signature == expectedServerSignature
    else { throw PostgresSCRAMFailure(reason: "the server's SCRAM signature is wrong; it may not be the server named") }
  }

  private static func attributes(_ text: String) -> [Character: String] {
    var result: [Character: String] = [:]
    for part in text.split(separator: ",") where part.count >= 2 && part.dropFirst().first == "=" {
      if let key = part.first { result[key] = String(part.dropFirst(2)) }
    }
    return result
  }

  private static func hmac(key: [UInt8], _ data: [UInt8]) throws(PostgresSCRAMFailure) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    guard HMAC(EVP_sha256(), key, Int32(key.count), data, data.count, &output, &length) != nil else {
      throw PostgresSCRAMFailure(reason: "HMAC-SHA-256 failed")
    }
    return Array(output.prefix(Int(length)))
  }

  private static func sha256(_ data: [UInt8]) throws(PostgresSCRAMFailure) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    guard SHA256(data, data.count, &output) != nil else { throw PostgresSCRAMFailure(reason: "SHA-256 failed") }
    return output
  }

  static func base64(_ bytes: [UInt8]) -> String {
    var output = [UInt8](repeating: 0, count: (bytes.count + 2) / 3 * 4 + 1)
    let length = EVP_EncodeBlock(&output, bytes, Int32(bytes.count))
    return String(decoding: output.prefix(Int(max(0, length))), as: UTF8.self)
  }

  private static func unbase64(_ text: String) -> [UInt8]? {
    let input = Array(text.utf8)
    guard !input.isEmpty, input.count % 4 == 0 else { return nil }
    var output = [UInt8](repeating: 0, count: input.count / 4 * 3)
    let length = EVP_DecodeBlock(&output, input, Int32(input.count))
    guard length >= 0 else { return nil }
    // EVP_DecodeBlock counts the padding's zero bytes too.
    let padding = input.reversed().prefix { $0 == UInt8(ascii: "=") }.count
    return Array(output.prefix(Int(length) - padding))
  }
}

/// Why SCRAM failed, as a phrase the connection puts after the server's name.
struct PostgresSCRAMFailure: Error {
  var reason: String
}
