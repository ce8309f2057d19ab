#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A connected stream socket (TCP or Unix), blocking once connected. The connect waits at most
/// the given timeout (0: as long as it takes); reads and writes wait as long as the peer takes. Errors are the cause
/// alone ("connection refused"); the caller names the endpoint.
public final class NetworkSocket {
  public let descriptor: Int32
  /// What `setTimeout` set: how long one read or write may wait, 0 for no limit.
  public private(set) var timeoutSeconds = 0

  private init(descriptor: Int32) { self.descriptor = descriptor }

  deinit { close(descriptor) }

  /// Connects to `host` (a name or an address) on `port`, trying each address it resolves to.
  public static func connect(host: String, port: Int, timeoutSeconds: Int) throws(NetworkSocketError)
    -> NetworkSocket
  {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &list)
    guard status == 0, let first = list else {
      throw NetworkSocketError(cause: "cannot resolve host name: " + String(cString: gai_strerror(status)))
    }
    defer { freeaddrinfo(first) }
    var lastError = NetworkSocketError(cause: "no address to connect to")
    var entry: UnsafeMutablePointer<addrinfo>? = first
    while let address = entry {
      do {
        return try connect(
          family: address.pointee.ai_family, address: address.pointee.ai_addr, length: address.pointee.ai_addrlen,
          timeoutSeconds: timeoutSeconds)
      } catch {
        lastError = error
      }
      entry = address.pointee.ai_next
    }
    throw lastError
  }

  /// Connects to the Unix socket at `path`.
  public static func connect(unixPath path: String, timeoutSeconds: Int) throws(NetworkSocketError)
    -> NetworkSocket
  {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count < capacity else {
      throw NetworkSocketError(cause: "the socket path is longer than \(capacity - 1) bytes")
    }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    return try withUnsafePointer(to: &address) { (pointer) throws(NetworkSocketError) -> NetworkSocket in
      try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (generic) throws(NetworkSocketError) in
        try connect(
          family: AF_UNIX, address: generic, length: socklen_t(MemoryLayout<sockaddr_un>.size),
          timeoutSeconds: timeoutSeconds)
      }
    }
  }

  private static func connect(
    family: Int32, address: UnsafePointer<sockaddr>?, length: socklen_t, timeoutSeconds: Int
  ) throws(NetworkSocketError) -> NetworkSocket {
    let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard descriptor >= 0 else { throw NetworkSocketError(errno: errno) }
    let connection = NetworkSocket(descriptor: descriptor)
    let flags = fcntl(descriptor, F_GETFL)
    _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
    if Glibc.connect(descriptor, address, length) != 0 {
      guard errno == EINPROGRESS else { throw NetworkSocketError(errno: errno) }
      var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
      var ready: Int32
      repeat {
        ready = poll(&waiting, 1, timeoutSeconds > 0 ? Int32(clamping: timeoutSeconds * 1000) : -1)
      } while ready < 0 && errno == EINTR
      if ready < 0 { throw NetworkSocketError(errno: errno) }
      if ready == 0 { throw NetworkSocketError(cause: "connection timed out after \(timeoutSeconds) s") }
      var failure: Int32 = 0
      var size = socklen_t(MemoryLayout<Int32>.size)
      _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &size)
      if failure != 0 { throw NetworkSocketError(errno: failure) }
    }
    _ = fcntl(descriptor, F_SETFL, flags)
    if family != AF_UNIX {
      var on: Int32 = 1
      _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }
    return connection
  }

  /// Runs `body` (a write through OpenSSL, which cannot ask for MSG_NOSIGNAL) with SIGPIPE
  /// blocked on this thread, and takes back a SIGPIPE it raised, as libpq does: a server that
  /// hung up becomes an EPIPE error, not the end of the process.
  public static func withoutBrokenPipeSignal<Value>(_ body: () throws -> Value) rethrows -> Value {
    var pipeOnly = sigset_t()
    sigemptyset(&pipeOnly)
    sigaddset(&pipeOnly, SIGPIPE)
    var pending = sigset_t()
    sigpending(&pending)
    let wasPending = sigismember(&pending, SIGPIPE) == 1
    var previous = sigset_t()
    pthread_sigmask(SIG_BLOCK, &pipeOnly, &previous)
    defer {
      sigpending(&pending)
      if !wasPending && sigismember(&pending, SIGPIPE) == 1 {
        var now = timespec(tv_sec: 0, tv_nsec: 0)
        _ = sigtimedwait(&pipeOnly, nil, &now)
      }
      pthread_sigmask(SIG_SETMASK, &previous, nil)
    }
    return try body()
  }

  /// The calling thread's `errno`, for the socket calls OpenSSL makes: cleared before one,
  /// read after it failed.
  public static var systemError: Int32 {
    get { errno }
    set { errno = newValue }
  }

  /// Makes each read and write wait at most `seconds` (0: as long as the peer takes); one that
  /// waits longer fails with "timed out after N s waiting for the server".
  public func setTimeout(seconds: Int) {
    timeoutSeconds = max(0, seconds)
    var limit = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
      _ = setsockopt(descriptor, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
    }
  }

  /// The error of a read or write that failed with `code`.
  private func failure(_ code: Int32) -> NetworkSocketError {
    if (code == EAGAIN || code == EWOULDBLOCK) && timeoutSeconds > 0 {
      return NetworkSocketError(cause: "timed out after \(timeoutSeconds) s waiting for the server")
    }
    return NetworkSocketError(errno: code)
  }

  /// Reads what has arrived, at most `limit` bytes (at least one), or nothing at end of stream.
  public func read(upTo limit: Int) throws(NetworkSocketError) -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: limit)
    while true {
      let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
      if count >= 0 { return Array(buffer.prefix(count)) }
      if errno != EINTR { throw failure(errno) }
    }
  }

  /// Writes all of `bytes`.
  public func write(_ bytes: [UInt8]) throws(NetworkSocketError) {
    var offset = 0
    while offset < bytes.count {
      let count = bytes.withUnsafeBytes { raw in
        send(descriptor, raw.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL))
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw failure(errno)
      }
      offset += count
    }
  }
}

/// Why a socket call failed, as a lowercase phrase ("connection refused").
public struct NetworkSocketError: Error, Equatable, Sendable {
  public var cause: String

  public init(cause: String) { self.cause = cause }

  init(errno code: Int32) {
    let text = String(cString: strerror(code))
    cause = text.prefix(1).lowercased() + text.dropFirst()
  }
}
