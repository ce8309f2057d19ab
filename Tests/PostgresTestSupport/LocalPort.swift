import Foundation

/// A TCP port on 127.0.0.1 that no PostgreSQL answers, held for as long as the value lives.
public final class LocalPort {
  public let port: Int
  private var descriptors: [Int32]

  private init(port: Int, descriptors: [Int32]) {
    self.port = port
    self.descriptors = descriptors
  }

  deinit { for descriptor in descriptors { close(descriptor) } }

  /// Bound but not listening: a connection is refused at once, for as long as it stays bound.
  public static func closed() throws -> LocalPort {
    let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    return LocalPort(port: try bind(holder), descriptors: [holder])
  }

  /// Listening, but never accepting: a connection is made (by the kernel) and nothing is ever
  /// said on it.
  public static func silent() throws -> LocalPort {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    let held = LocalPort(port: try bind(listener), descriptors: [listener])
    guard listen(listener, 16) == 0 else { throw Failure(description: "listen failed: errno \(errno)") }
    return held
  }

  /// Listening with a backlog of 0 that one connection, never accepted, already fills: the
  /// kernel drops the next connection's SYN, so connecting waits until its timeout.
  public static func unanswered() throws -> LocalPort {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    let port = try bind(listener)
    let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    let held = LocalPort(port: port, descriptors: [listener, filler])
    guard listen(listener, 0) == 0 else { throw Failure(description: "listen failed: errno \(errno)") }
    var address = loopback(port: port)
    let connected = withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
    guard connected else { throw Failure(description: "the connection filling the backlog failed: errno \(errno)") }
    return held
  }

  public struct Failure: Error, CustomStringConvertible { public let description: String }

  private static func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return address
  }

  /// Binds `descriptor` to a free port on 127.0.0.1 and returns the port.
  private static func bind(_ descriptor: Int32) throws -> Int {
    var address = loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
        Glibc.bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
      }
    }
    guard descriptor >= 0, bound else { throw Failure(description: "cannot bind a port on 127.0.0.1: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}
