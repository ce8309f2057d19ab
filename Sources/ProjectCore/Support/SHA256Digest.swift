import COpenSSL

#if canImport(Glibc)
  import Glibc
#endif

/// SHA-256, from libcrypto: of bytes at once, or of a file read in pieces.
public struct SHA256Digest {
  private let context: OpaquePointer

  /// Nil when libcrypto cannot allocate its context.
  public init?() {
    guard let context = EVP_MD_CTX_new() else { return nil }
    self.context = context
    EVP_DigestInit_ex(context, EVP_sha256(), nil)
  }

  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    EVP_DigestUpdate(context, bytes.baseAddress, bytes.count)
  }

  /// The 32 bytes of the digest; the digest cannot be used after.
  public func finish() -> [UInt8] {
    var output = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    var length: UInt32 = 0
    EVP_DigestFinal_ex(context, &output, &length)
    EVP_MD_CTX_free(context)
    return output
  }

  /// The digest of `bytes`.
  public static func of(_ bytes: [UInt8]) -> [UInt8] {
    bytes.withUnsafeBytes { of($0) }
  }

  /// The digest of `bytes`.
  public static func of(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    project_sha256(bytes.baseAddress, bytes.count, &output)
    return output
  }

  /// The digest of a file, read 64 KiB at a time.
  public static func of(file path: String) throws(FileSystemError) -> [UInt8] {
    guard var digest = SHA256Digest() else {
      throw FileSystemError(path: path, operation: "hash", code: ENOMEM, detail: "libcrypto has no memory for SHA-256")
    }
    try FileSystem.forEachChunk(of: path) { digest.update($0) }
    return digest.finish()
  }

  /// The digest as 64 lowercase hex digits, as `sha256sum` prints it.
  public static func hex(_ digest: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in digest {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 15)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
