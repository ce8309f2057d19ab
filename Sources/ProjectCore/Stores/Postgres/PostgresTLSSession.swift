import COpenSSL

/// A TLS client session over a connected socket, through OpenSSL. Failures are the cause alone
/// ("certificate verify failed: ..."); the connection names the server.
final class PostgresTLSSession {
  private let context: OpaquePointer
  private let session: OpaquePointer

  /// Shakes hands over `descriptor`. With verify-ca and verify-full the certificate must chain to
  /// `rootCertificate`; with verify-full it must also name `host` (an address or a name).
  init(descriptor: Int32, host: String, mode: PostgresSSLMode, rootCertificate: String?) throws(PostgresTLSFailure) {
    guard let context = SSL_CTX_new(TLS_client_method()) else {
      throw PostgresTLSFailure(reason: "cannot create a TLS context: " + Self.openSSLError())
    }
    guard let session = SSL_new(context) else {
      SSL_CTX_free(context)
      throw PostgresTLSFailure(reason: "cannot create a TLS session: " + Self.openSSLError())
    }
    self.context = context
    self.session = session
    _ = project_ssl_ctx_require_tls12(context)
    if mode.verifiesCertificate {
      guard let rootCertificate else {
        throw PostgresTLSFailure(
          reason: "sslmode \(mode.rawValue) needs a root certificate to check the server's with (PGSSLROOTCERT)")
      }
      guard SSL_CTX_load_verify_locations(context, rootCertificate, nil) == 1 else {
        throw PostgresTLSFailure(
          reason: "cannot read the root certificate \"\(rootCertificate)\": " + Self.openSSLError())
      }
      SSL_set_verify(session, SSL_VERIFY_PEER, nil)
      if mode == .verifyFull {
        let parameters = SSL_get0_param(session)
        // An address is matched against the certificate's IP entries, a name against its DNS ones.
        if X509_VERIFY_PARAM_set1_ip_asc(parameters, host) != 1 {
          guard X509_VERIFY_PARAM_set1_host(parameters, host, 0) == 1 else {
            throw PostgresTLSFailure(reason: "cannot check the certificate against host \"\(host)\"")
          }
        }
      }
    } else {
      SSL_set_verify(session, SSL_VERIFY_NONE, nil)
    }
    _ = project_ssl_set_server_name(session, host)
    SSL_set_fd(session, descriptor)
    ERR_clear_error()
    NetworkSocket.systemError = 0
    let result = SSL_connect(session)
    guard result == 1 else {
      let verified = SSL_get_verify_result(session)
      if verified != Int(X509_V_OK) {
        throw PostgresTLSFailure(
          reason: "the server's certificate is refused: " + String(cString: X509_verify_cert_error_string(verified)))
      }
      throw failure(result, "handshake")
    }
  }

  deinit {
    SSL_free(session)
    SSL_CTX_free(context)
  }

  /// Reads what has arrived, at most `limit` bytes (at least one), or nothing when the server
  /// closed the session.
  func read(upTo limit: Int) throws(PostgresTLSFailure) -> [UInt8] {
    ERR_clear_error()
    var buffer = [UInt8](repeating: 0, count: limit)
    NetworkSocket.systemError = 0
    let count = buffer.withUnsafeMutableBytes { SSL_read(session, $0.baseAddress, Int32(clamping: $0.count)) }
    if count > 0 { return Array(buffer.prefix(Int(count))) }
    let code = SSL_get_error(session, count)
    // The server hung up: with close_notify, without it (OpenSSL 3's "unexpected eof"), or
    // the socket's end of stream.
    if code == SSL_ERROR_ZERO_RETURN
      || (code == SSL_ERROR_SSL && ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
      || (code == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && NetworkSocket.systemError == 0)
    {
      ERR_clear_error()
      return []
    }
    throw failure(count, "read")
  }

  func write(_ bytes: [UInt8]) throws(PostgresTLSFailure) {
    ERR_clear_error()
    NetworkSocket.systemError = 0
    let count = bytes.withUnsafeBytes { SSL_write(session, $0.baseAddress, Int32(clamping: $0.count)) }
    guard count == Int32(bytes.count) else { throw failure(count, "write") }
  }

  /// Why the handshake, a read or a write failed: the socket's error where the socket failed
  /// ("TLS read failed: connection reset by peer"), else OpenSSL's.
  private func failure(_ result: Int32, _ operation: String) -> PostgresTLSFailure {
    let code = SSL_get_error(session, result)
    let system = NetworkSocket.systemError
    // A read or write the socket's timeout ended (during the startup).
    if code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE {
      return PostgresTLSFailure(reason: "TLS \(operation) failed: timed out waiting for the server")
    }
    if code == SSL_ERROR_SYSCALL && system != 0 {
      ERR_clear_error()
      return PostgresTLSFailure(reason: "TLS \(operation) failed: " + NetworkSocketError(errno: system).cause)
    }
    if code == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 {
      return PostgresTLSFailure(reason: "TLS \(operation) failed: the server closed the connection")
    }
    return PostgresTLSFailure(reason: "TLS \(operation) failed: " + Self.openSSLError())
  }

  private static func openSSLError() -> String {
    let code = ERR_get_error()
    guard code != 0 else { return "unknown OpenSSL error" }
    var buffer = [CChar](repeating: 0, count: 256)
    ERR_error_string_n(code, &buffer, buffer.count)
    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    ERR_clear_error()
    return text
  }
}

/// Why TLS failed, as a phrase the connection puts after the server's name.
struct PostgresTLSFailure: Error {
  var reason: String
}
