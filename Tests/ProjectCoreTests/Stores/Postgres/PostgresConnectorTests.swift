import Foundation
import PostgresTestSupport
import Testing

@testable import ProjectCore

/// Several hosts tried in turn, sslmode=allow's two tries, and target_session_attrs, against
/// the test cluster and its hot standby.
@Suite struct PostgresConnectorTests {
  /// Settings for `hosts` ("host:port" items joined by commas) as the test role.
  private func settings(
    _ server: PostgresTestServer, ports: [Int], _ extra: String = "", database: String = "project_test"
  ) throws -> PostgresConnectionSettings {
    let home = TemporaryFolder()
    return try PostgresConnectionSettings(
      url:
        "host=\(ports.map { _ in "127.0.0.1" }.joined(separator: ",")) port=\(ports.map(String.init).joined(separator: ",")) user=project_test password='\(server.base.password ?? "")' dbname=\(database) sslmode=require \(extra)",
      environment: ["HOME": home.path], warn: { Issue.record("unexpected warning: \($0)") })
  }

  private func inRecovery(_ connection: PostgresConnection) throws -> String? {
    try connection.simpleQuery("SELECT pg_is_in_recovery()").first?.first ?? nil
  }

  @Test func readWriteSkipsTheStandbyForThePrimary() throws {
    let primary = try PostgresTestServer.shared()
    let standby = try PostgresTestServer.standby()
    let connection = try PostgresConnector.connect(
      settings(primary, ports: [standby.port, primary.port], "target_session_attrs=read-write"))
    #expect(try inRecovery(connection) == "f")
    #expect(connection.configuration.port == primary.port)
  }

  @Test(arguments: ["any", "read-only", "standby", "prefer-standby"])
  func aStandbyFitsAnyReadOnlyAndStandby(attributes: String) throws {
    let primary = try PostgresTestServer.shared()
    let standby = try PostgresTestServer.standby()
    let first = attributes == "any" ? [standby.port, primary.port] : [primary.port, standby.port]
    let connection = try PostgresConnector.connect(
      settings(primary, ports: first, "target_session_attrs=\(attributes)"))
    #expect(try inRecovery(connection) == "t")
    #expect(connection.configuration.port == standby.port)
  }

  @Test func primaryAndPreferStandbyWithoutAStandbyReachThePrimary() throws {
    let primary = try PostgresTestServer.shared()
    let closed = try LocalPort.closed()
    defer { withExtendedLifetime(closed) {} }
    for attributes in ["primary", "prefer-standby"] {
      let connection = try PostgresConnector.connect(
        settings(primary, ports: [closed.port, primary.port], "target_session_attrs=\(attributes)"))
      #expect(try inRecovery(connection) == "f")
    }
  }

  @Test func aDeadFirstHostIsPassedForTheNext() throws {
    let primary = try PostgresTestServer.shared()
    let closed = try LocalPort.closed()
    defer { withExtendedLifetime(closed) {} }
    let connection = try PostgresConnector.connect(settings(primary, ports: [closed.port, primary.port]))
    #expect(try connection.simpleQuery("SELECT current_user") == [["project_test"]])
  }

  @Test func whenNoHostWorksOneSentenceNamesEachAndItsCause() throws {
    let primary = try PostgresTestServer.shared()
    let standby = try PostgresTestServer.standby()
    let closed = try LocalPort.closed()
    let unanswered = try LocalPort.unanswered()
    defer { withExtendedLifetime([closed, unanswered]) {} }
    let error = try #require(throws: PostgresError.self) {
      try PostgresConnector.connect(
        settings(
          primary, ports: [unanswered.port, closed.port, standby.port],
          "connect_timeout=1 target_session_attrs=read-write"))
    }
    #expect(
      error.description
        == "could not connect to PostgreSQL: postgres://127.0.0.1:\(unanswered.port): connection timed out after 2 s; postgres://127.0.0.1:\(closed.port): connection refused; postgres://127.0.0.1:\(standby.port): the server is a standby, and target_session_attrs=read-write needs a primary"
    )
    #expect(error.exitCode == 1)
  }

  @Test func oneHostThatDoesNotFitSaysWhyAsItIs() throws {
    let primary = try PostgresTestServer.shared()
    let error = try #require(throws: PostgresError.self) {
      try PostgresConnector.connect(settings(primary, ports: [primary.port], "target_session_attrs=standby"))
    }
    #expect(
      error.description
        == "postgres://127.0.0.1:\(primary.port): the server is a primary, and target_session_attrs=standby needs a standby"
    )
  }

  /// A connect the kernel never completes (a full backlog), and a connection a server takes
  /// but never speaks on, with and without TLS.
  @Test(arguments: [
    (false, "require", "connection timed out after 2 s"),
    (true, "require", "timed out after 2 s waiting for the server"),
    (true, "disable", "timed out after 2 s waiting for the server"),
  ])
  func aHostThatDoesNotAnswerWithinTheConnectTimeoutTimesOut(connects: Bool, sslMode: String, cause: String) throws {
    let primary = try PostgresTestServer.shared()
    let quiet = try connects ? LocalPort.silent() : LocalPort.unanswered()
    defer { withExtendedLifetime(quiet) {} }
    let error = try #require(throws: PostgresError.self) {
      try PostgresConnector.connect(settings(primary, ports: [quiet.port], "connect_timeout=1 sslmode=\(sslMode)"))
    }
    #expect(error.description == "postgres://127.0.0.1:\(quiet.port): \(cause)")
  }

  @Test func allowSpeaksPlainTextWhenTheServerTakesIt() throws {
    let primary = try PostgresTestServer.shared()
    let connection = try PostgresConnector.connect(settings(primary, ports: [primary.port], "sslmode=allow"))
    #expect(!connection.isEncrypted)
    #expect(try connection.simpleQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == [["f"]])
  }

  @Test func allowTriesTLSWhenTheServerRefusesPlainText() throws {
    let primary = try PostgresTestServer.shared()
    let plain = try #require(throws: PostgresError.self) {
      try PostgresConnector.connect(
        settings(primary, ports: [primary.port], "sslmode=disable", database: "project_test_tls"))
    }
    #expect(
      plain.description
        == "postgres://127.0.0.1:\(primary.port): pg_hba.conf rejects connection for host \"127.0.0.1\", user \"project_test\", database \"project_test_tls\", no encryption"
    )
    let connection = try PostgresConnector.connect(
      settings(primary, ports: [primary.port], "sslmode=allow", database: "project_test_tls"))
    #expect(connection.isEncrypted)
    #expect(try connection.simpleQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == [["t"]])
  }
}
