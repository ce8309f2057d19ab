/// How the client uses TLS, as libpq's `sslmode` says it. Over a Unix socket there is no TLS,
/// whatever the mode, as with libpq.
public enum PostgresSSLMode: String, CaseIterable, Sendable {
  /// Plain text only.
  case disable
  /// Plain text first; TLS when the server refuses that (`PostgresConnector` tries again). A
  /// `PostgresConnection` given this mode itself speaks plain text.
  case allow
  /// TLS when the server offers it, plain text otherwise; the certificate is not checked.
  case prefer
  /// TLS or nothing; the certificate is not checked.
  case require
  /// TLS, with a certificate signed by the root certificate given.
  case verifyCA = "verify-ca"
  /// As verify-ca, and the certificate names the host connected to.
  case verifyFull = "verify-full"

  var verifiesCertificate: Bool { self == .verifyCA || self == .verifyFull }
}
