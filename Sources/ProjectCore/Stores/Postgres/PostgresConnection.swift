import COpenSSL

/// One session with a PostgreSQL server over protocol v3: connects (TCP or Unix socket), sets up
/// TLS as `sslMode` says, authenticates (SCRAM-SHA-256, md5, or a cleartext password over TLS
/// only), and runs simple queries. Not for use from two threads at once.
public final class PostgresConnection {
  public let configuration: PostgresConfiguration
  /// The server's ParameterStatus values (server_version, client_encoding, ...).
  public private(set) var parameters: [String: String] = [:]
  /// Whether the session runs over TLS.
  public var isEncrypted: Bool { tls != nil }
  /// The server's transaction status after the last command: "I" idle, "T" in a transaction,
  /// "E" in a failed transaction.
  public internal(set) var transactionStatus = UInt8(ascii: "I")
  /// Whether a read or a write failed: the session is out of step with the server, which ends
  /// it; nothing more should be sent on it.
  public private(set) var isBroken = false
  /// What the server said in a notice of class 57 (operator intervention), which it sends as
  /// it ends the session (an immediate shutdown): why the connection then fails.
  private var farewell: PostgresError?

  private let socket: NetworkSocket
  private var tls: PostgresTLSSession?
  private var received: [UInt8] = []
  private var readOffset = 0
  private var endpoint: String { configuration.endpoint }

  /// Connects and authenticates; throws a `PostgresError` naming the server and the cause.
  public init(_ configuration: PostgresConfiguration) throws(PostgresError) {
    self.configuration = configuration
    let endpoint = configuration.endpoint
    do {
      if let path = configuration.unixSocketPath {
        socket = try NetworkSocket.connect(unixPath: path, timeoutSeconds: configuration.connectTimeoutSeconds)
      } else {
        socket = try NetworkSocket.connect(
          host: configuration.host, port: configuration.port, timeoutSeconds: configuration.connectTimeoutSeconds)
      }
    } catch {
      throw PostgresError(endpoint: endpoint, message: error.cause)
    }
    socket.setTimeout(seconds: configuration.connectTimeoutSeconds)  // for the startup, as libpq's connect_timeout
    if configuration.unixSocketPath == nil && ![.disable, .allow].contains(configuration.sslMode) {
      try negotiateTLS()
    }
    try send(PostgresFrontendMessage.startup(user: configuration.user, database: configuration.database))
    try authenticate()
    try waitUntilReady()
    socket.setTimeout(seconds: 0)
  }

  deinit {
    try? send(PostgresFrontendMessage.terminate())
  }

  /// Runs `sql` (one or more statements) with the simple query protocol and returns the rows of
  /// the last statement that returned any, each column as the server's text (nil for NULL).
  /// A server error is thrown once the server is ready again, so the connection stays usable.
  public func simpleQuery(_ sql: String) throws(PostgresError) -> [[String?]] {
    try send(PostgresFrontendMessage.query(sql))
    var rows: [[String?]] = []
    var current: [[String?]] = []
    var failure: PostgresError?
    while true {
      var message = try receive(after: failure)
      switch message.typeName {
      case "T": current = []
      case "D":
        let count = Int(message.int16())
        var row: [String?] = []
        row.reserveCapacity(count)
        for _ in 0..<count {
          let length = Int(message.int32())
          row.append(length < 0 ? nil : String(decoding: message.bytes(length), as: UTF8.self))
        }
        current.append(row)
      case "C": if !current.isEmpty { rows = current }
      case "E": failure = serverError(&message)
      case "Z":
        transactionStatus = message.body.first ?? UInt8(ascii: "I")
        if let failure { throw failure }
        return rows
      case "G", "H":
        throw PostgresError(endpoint: endpoint, message: "COPY is not supported by simpleQuery")
      default: break  // EmptyQueryResponse, notices, parameter changes
      }
    }
  }

  // MARK: - Startup

  private func negotiateTLS() throws(PostgresError) {
    try send(PostgresFrontendMessage.sslRequest())
    // One byte, read from the socket itself: what follows an "S" is the TLS handshake.
    let answer: [UInt8]
    do {
      answer = try socket.read(upTo: 1)
    } catch {
      throw PostgresError(endpoint: endpoint, message: error.cause)
    }
    guard answer.count == 1 else {
      throw PostgresError(endpoint: endpoint, message: "the server closed the connection before TLS was set up")
    }
    switch answer[0] {
    case UInt8(ascii: "S"):
      do {
        tls = try PostgresTLSSession(
          descriptor: socket.descriptor, host: configuration.host, mode: configuration.sslMode,
          rootCertificate: configuration.sslRootCertificate)
      } catch {
        throw PostgresError(endpoint: endpoint, message: error.reason)
      }
    case UInt8(ascii: "N") where configuration.sslMode == .prefer:
      return
    case UInt8(ascii: "N"):
      throw PostgresError(
        endpoint: endpoint,
        message: "the server does not accept TLS, which sslmode=\(configuration.sslMode.rawValue) requires")
    default:
      throw PostgresError(endpoint: endpoint, message: "the server answered the TLS request with something else")
    }
  }

  private func authenticate() throws(PostgresError) {
    var scram: PostgresSCRAM?
    while true {
      var message = try receive()
      if message.typeName == "E" { throw serverError(&message) }
      guard message.typeName == "R" else {
        throw PostgresError(
          endpoint: endpoint, message: "unexpected message \"\(message.typeName)\" during authentication")
      }
      let request = message.int32()
      switch request {
      case 0: return  // AuthenticationOk
      case 3:  // AuthenticationCleartextPassword
        guard isEncrypted else {
          throw PostgresError(
            endpoint: endpoint,
            message: "the server asks for the password in cleartext over a connection without TLS; refused")
        }
        try send(PostgresFrontendMessage.password(try requirePassword()))
      case 5:  // AuthenticationMD5Password
        let salt = message.bytes(4)
        try send(PostgresFrontendMessage.password(try md5Answer(password: try requirePassword(), salt: salt)))
      case 10:  // AuthenticationSASL: the mechanisms the server offers
        var mechanisms: [String] = []
        while message.remaining > 1 { mechanisms.append(message.cString()) }
        guard mechanisms.contains(PostgresSCRAM.mechanism) else {
          throw PostgresError(
            endpoint: endpoint,
            message: "the server offers only SASL mechanisms \(mechanisms.joined(separator: ", ")), not SCRAM-SHA-256")
        }
        let password = try requirePassword()
        let client = try scramStep { () throws(PostgresSCRAMFailure) in try PostgresSCRAM(password: password) }
        try send(
          PostgresFrontendMessage.saslInitialResponse(
            mechanism: PostgresSCRAM.mechanism, data: client.clientFirstMessage))
        scram = client
      case 11:  // AuthenticationSASLContinue
        guard var client = scram else { throw outOfOrder("SASLContinue") }
        let serverFirst = message.rest()
        let answer = try scramStep { () throws(PostgresSCRAMFailure) in
          try client.clientFinalMessage(serverFirst: serverFirst)
        }
        scram = client
        try send(PostgresFrontendMessage.saslResponse(answer))
      case 12:  // AuthenticationSASLFinal
        guard let client = scram else { throw outOfOrder("SASLFinal") }
        let serverFinal = message.rest()
        try scramStep { () throws(PostgresSCRAMFailure) in try client.verify(serverFinal: serverFinal) }
      default:
        throw PostgresError(
          endpoint: endpoint,
          message: "the server asks for an authentication method the client does not speak (\(request))")
      }
    }
  }

  private func waitUntilReady() throws(PostgresError) {
    while true {
      var message = try receive()
      switch message.typeName {
      case "S": parameters[message.cString()] = message.cString()
      case "E": throw serverError(&message)
      case "Z": return
      default: break  // BackendKeyData, notices
      }
    }
  }

  private func requirePassword() throws(PostgresError) -> String {
    guard let password = configuration.password else {
      throw PostgresError(
        endpoint: endpoint,
        message: "the server asks for a password for user \"\(configuration.user)\" and none was given (PGPASSWORD)")
    }
    return password
  }

  /// "md5" + md5(md5(password + user) + salt), in hex, as the md5 method wants.
  private func md5Answer(password: String, salt: [UInt8]) throws(PostgresError) -> String {
    let inner = try md5Hex(Array((password + configuration.user).utf8))
    return "md5" + (try md5Hex(Array(inner.utf8) + salt))
  }

  private func md5Hex(_ data: [UInt8]) throws(PostgresError) -> String {
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    guard EVP_Digest(data, data.count, &digest, &length, EVP_md5(), nil) == 1 else {
      throw PostgresError(endpoint: endpoint, message: "MD5 is not available in this OpenSSL")
    }
    let hex = Array("0123456789abcdef".utf8)
    return String(
      decoding: digest.prefix(Int(length)).flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 0xF)]] }, as: UTF8.self)
  }

  private func scramStep<Value>(_ step: () throws(PostgresSCRAMFailure) -> Value) throws(PostgresError) -> Value {
    do {
      return try step()
    } catch {
      throw PostgresError(endpoint: endpoint, message: error.reason)
    }
  }

  private func outOfOrder(_ step: String) -> PostgresError {
    PostgresError(endpoint: endpoint, message: "the server sent \(step) out of order during SCRAM authentication")
  }

  func serverError(_ message: inout PostgresBackendMessage) -> PostgresError {
    let fields = message.errorFields()
    var error = PostgresError(
      endpoint: endpoint, message: fields["M"] ?? "the server reported an error without a message",
      sqlState: fields["C"],
      detail: fields["D"], hint: fields["H"])
    error.constraint = fields["n"]
    return error
  }

  // MARK: - Transport

  func send(_ bytes: [UInt8]) throws(PostgresError) {
    do {
      try transport {
        if let tls {
          try tls.write(bytes)
        } else {
          try socket.write(bytes)
        }
      }
    } catch {
      throw reasonAfterFailedWrite(error)
    }
  }

  /// A write fails when the server hung up, most often just after it sent an ErrorResponse
  /// saying why (a shutdown, a terminated session): that error, if it comes within a second,
  /// rather than the socket's "broken pipe"; else `failure`.
  private func reasonAfterFailedWrite(_ failure: PostgresError) -> PostgresError {
    let previous = socket.timeoutSeconds
    socket.setTimeout(seconds: 1)
    defer { socket.setTimeout(seconds: previous) }
    while true {
      guard var message = try? receive() else { return farewell ?? failure }
      if message.typeName == "E" { return serverError(&message) }
    }
  }

  /// The next message; when the connection fails after the server reported an error
  /// (`pending`: a FATAL one ends the session and the server closes it), that error, which
  /// says why.
  func receive(after pending: Error?) throws(PostgresError) -> PostgresBackendMessage {
    do {
      return try receive()
    } catch {
      throw (pending as? PostgresError).flatMap { $0.sqlState == nil ? nil : $0 } ?? error
    }
  }

  func receive() throws(PostgresError) -> PostgresBackendMessage {
    try fill(5)
    let type = received[readOffset]
    var length = 0
    for index in readOffset + 1..<readOffset + 5 { length = length << 8 | Int(received[index]) }
    guard length >= 4 else { throw PostgresError(endpoint: endpoint, message: "the server sent a malformed message") }
    try fill(1 + length)
    let body = Array(received[readOffset + 5..<readOffset + 1 + length])
    readOffset += 1 + length
    let message = PostgresBackendMessage(type: type, body: body)
    if type == UInt8(ascii: "N") {
      var notice = message
      let said = serverError(&notice)
      if said.sqlState?.hasPrefix("57") == true { farewell = said }
    }
    return message
  }

  /// Reads until `count` bytes past `readOffset` have arrived.
  private func fill(_ count: Int) throws(PostgresError) {
    if readOffset > 0 && received.count - readOffset < count {
      received.removeFirst(readOffset)
      readOffset = 0
    }
    while received.count - readOffset < count {
      let chunk = try readSome()
      guard !chunk.isEmpty else {
        isBroken = true
        throw farewell ?? PostgresError(endpoint: endpoint, message: "the server closed the connection")
      }
      received += chunk
    }
  }

  private func readSome() throws(PostgresError) -> [UInt8] {
    try transport {
      if let tls { return try tls.read(upTo: 16_384) }
      return try socket.read(upTo: 16_384)
    }
  }

  /// Runs a socket or TLS call, turning its failure into a sentence naming the server.
  private func transport<Value>(_ call: () throws -> Value) throws(PostgresError) -> Value {
    do {
      return try NetworkSocket.withoutBrokenPipeSignal(call)
    } catch {
      isBroken = true
      throw farewell ?? describe(error)
    }
  }

  private func describe(_ error: Error) -> PostgresError {
    switch error {
    case let error as PostgresTLSFailure: PostgresError(endpoint: endpoint, message: error.reason)
    case let error as NetworkSocketError: PostgresError(endpoint: endpoint, message: error.cause)
    default: PostgresError(endpoint: endpoint, message: "\(error)")
    }
  }

}
