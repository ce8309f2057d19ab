import Foundation
import PostgresTestSupport
import Testing

@testable import ProjectCore

/// The PostgreSQL client against a real server (`PostgresTestServer`): TLS modes, SCRAM, the
/// Unix socket, and the sentences its failures make.
@Suite struct PostgresConnectionTests {
  @Test func scramLoginOverTCPWithSSLModeRequireRunsAQuery() throws {
    let server = try PostgresTestServer.shared()
    let connection = try PostgresConnection(server.configuration(sslMode: .require))
    #expect(connection.isEncrypted)
    #expect(try connection.simpleQuery("SELECT 1, NULL::text, 'x'") == [["1", nil, "x"]])
    let method = try connection.simpleQuery(
      "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
    #expect(method == [["t"]])
  }

  @Test func scramLoginOverTheUnixSocketRunsAQuery() throws {
    let server = try PostgresTestServer.shared()
    var configuration = server.configuration()
    configuration.unixSocketDirectory = server.folder
    let connection = try PostgresConnection(configuration)
    #expect(!connection.isEncrypted)
    #expect(try connection.simpleQuery("SELECT current_user, inet_client_addr() IS NULL") == [["project_test", "t"]])
  }

  @Test func verifyFullAcceptsTheServerCertificateSignedByTheGivenCA() throws {
    let server = try PostgresTestServer.shared()
    let connection = try PostgresConnection(server.configuration(sslMode: .verifyFull))
    #expect(try connection.simpleQuery("SELECT 1") == [["1"]])
  }

  @Test func verifyFullRefusesACertificateNotSignedByTheGivenCA() throws {
    let server = try PostgresTestServer.shared()
    let folder = TemporaryFolder()
    let (status, output) = PostgresTestServer.run(
      "/usr/bin/openssl",
      [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=another CA",
        "-keyout", folder.file("other.key"), "-out", folder.file("other.crt"),
      ])
    #expect(status == 0, "\(output)")
    var configuration = server.configuration(sslMode: .verifyFull)
    configuration.sslRootCertificate = folder.file("other.crt")
    let error = try #require(throws: PostgresError.self) { try PostgresConnection(configuration) }
    #expect(
      error.description
        == "postgres://127.0.0.1:\(server.port): the server's certificate is refused: unable to get local issuer certificate"
    )
  }

  @Test func verifyFullChecksTheHostNameAgainstTheCertificate() throws {
    let server = try PostgresTestServer.shared()
    var configuration = server.configuration(sslMode: .verifyFull)
    configuration.host = "localhost"
    let connection = try PostgresConnection(configuration)
    #expect(try connection.simpleQuery("SELECT 1") == [["1"]])
  }

  @Test func aWrongPasswordGivesTheServersMessage() throws {
    let server = try PostgresTestServer.shared()
    var configuration = server.configuration()
    configuration.password = "not the password"
    let error = try #require(throws: PostgresError.self) { try PostgresConnection(configuration) }
    #expect(
      error.description
        == "postgres://127.0.0.1:\(server.port): password authentication failed for user \"project_test\"")
    #expect(error.sqlState == "28P01")
  }

  @Test func aClosedPortIsRefusedNamingHostAndPort() throws {
    let closed = try LocalPort.closed()
    defer { withExtendedLifetime(closed) {} }
    let port = closed.port
    let configuration = PostgresConfiguration(
      host: "127.0.0.1", port: port, user: "nobody", password: "x", database: "nothing", sslMode: .require)
    let error = try #require(throws: PostgresError.self) { try PostgresConnection(configuration) }
    #expect(error.description == "postgres://127.0.0.1:\(port): connection refused")
  }

  @Test func aServerErrorCarriesItsSQLStateAndLeavesTheConnectionUsable() throws {
    let server = try PostgresTestServer.shared()
    let connection = try PostgresConnection(server.configuration())
    let error = try #require(throws: PostgresError.self) { try connection.simpleQuery("SELECT 1/0") }
    #expect(error.sqlState == "22012")
    #expect(error.description == "postgres://127.0.0.1:\(server.port): division by zero")
    #expect(try connection.simpleQuery("SELECT 2") == [["2"]])
  }

  @Test func anErrorWithDetailAndHintSaysThemInTheSameSentence() throws {
    let server = try PostgresTestServer.shared()
    let connection = try PostgresConnection(server.configuration())
    let error = try #require(throws: PostgresError.self) {
      try connection.simpleQuery(
        "DO $$ BEGIN RAISE EXCEPTION 'no such thing' USING DETAIL = 'It is gone.', HINT = 'Make it again.', ERRCODE = 'P0002'; END $$"
      )
    }
    #expect(error.sqlState == "P0002")
    #expect(error.detail == "It is gone.")
    #expect(error.hint == "Make it again.")
    #expect(
      error.description == "postgres://127.0.0.1:\(server.port): no such thing; it is gone; make it again")
  }
}
