import Foundation
import Testing

@testable import ProjectCore

/// Resolution as libpq does it: the string, then the environment, then the defaults; and the
/// password file.
@Suite struct PostgresConnectionSettingsTests {
  /// Resolves `url` with `environment` plus HOME set to `home` (so no real ~/.pgpass is read),
  /// collecting warnings.
  private func resolve(
    _ url: String?, _ environment: [String: String] = [:], home: TemporaryFolder = TemporaryFolder(),
    warnings: inout [String]
  ) throws -> PostgresConnectionSettings {
    var collected: [String] = []
    defer { warnings = collected }
    return try PostgresConnectionSettings(
      url: url, environment: environment.merging(["HOME": home.path]) { given, _ in given },
      warn: { collected.append($0) })
  }

  private func resolve(
    _ url: String?, _ environment: [String: String] = [:], home: TemporaryFolder = TemporaryFolder()
  ) throws -> PostgresConnectionSettings {
    var warnings: [String] = []
    let settings = try resolve(url, environment, home: home, warnings: &warnings)
    #expect(warnings == [])
    return settings
  }

  private let environment = [
    "PGHOST": "envhost", "PGPORT": "6000", "PGUSER": "envuser", "PGPASSWORD": "envpass", "PGDATABASE": "envdb",
    "PGSSLMODE": "verify-ca", "PGSSLROOTCERT": "/etc/env-ca.crt", "PGCONNECT_TIMEOUT": "7",
    "PGTARGETSESSIONATTRS": "read-write",
  ]

  @Test func aValueInTheStringWinsOverTheEnvironmentWhichFillsWhatTheStringLeavesOut() throws {
    let cases: [(url: String, expected: PostgresConfiguration, attributes: PostgresTargetSessionAttributes)] = [
      (
        "dbname=records",
        PostgresConfiguration(
          host: "envhost", port: 6000, user: "envuser", password: "envpass", database: "records", sslMode: .verifyCA,
          sslRootCertificate: "/etc/env-ca.crt", connectTimeoutSeconds: 7), .readWrite
      ),
      (
        "postgres://app:strpass@db1:5433/records?sslmode=require&sslrootcert=/etc/ca.crt&connect_timeout=3&target_session_attrs=any",
        PostgresConfiguration(
          host: "db1", port: 5433, user: "app", password: "strpass", database: "records", sslMode: .require,
          sslRootCertificate: "/etc/ca.crt", connectTimeoutSeconds: 3), .any
      ),
    ]
    for (url, expected, attributes) in cases {
      let settings = try resolve(url, environment)
      #expect(settings.servers == [expected], "\(url)")
      #expect(settings.targetSessionAttributes == attributes, "\(url)")
    }
  }

  @Test func withNothingGivenTheDefaultsAreLibpqs() throws {
    let home = TemporaryFolder()
    let settings = try resolve(nil, home: home)
    let user = try #require(UserAccount.name)
    #expect(
      settings.servers == [
        PostgresConfiguration(
          host: "localhost", port: 5432, unixSocketDirectory: "/var/run/postgresql", user: user, password: nil,
          database: user, sslMode: .prefer, sslRootCertificate: nil, connectTimeoutSeconds: 10)
      ])
    #expect(settings.targetSessionAttributes == .any)
    let verifying = try resolve("sslmode=verify-full host=db", home: home)
    #expect(verifying.servers.map(\.sslRootCertificate) == [home.path + "/.postgresql/root.crt"])
  }

  @Test func aConnectTimeoutOfOneIsTwoAndZeroIsNoLimit() throws {
    #expect(try resolve("connect_timeout=1").servers.map(\.connectTimeoutSeconds) == [2])
    #expect(try resolve("connect_timeout=0").servers.map(\.connectTimeoutSeconds) == [0])
  }

  @Test func severalHostsTakeOnePortEachOrOneForAllAndAFolderIsASocket() throws {
    let pairs = try resolve("host=a,/tmp/sockets,,b port=5001,5002,5003,")
    #expect(
      pairs.servers.map(\.endpoint) == [
        "postgres://a:5001", "/tmp/sockets/.s.PGSQL.5002", "/var/run/postgresql/.s.PGSQL.5003", "postgres://b:5432",
      ])
    let one = try resolve("postgres://[::1],db2/x", ["PGPORT": "6432"])
    #expect(one.servers.map(\.endpoint) == ["postgres://[::1]:6432", "postgres://db2:6432"])
  }

  @Test func portsThatDoNotMatchTheHostsAreRefused() {
    #expect(
      throws: PostgresSettingsError(
        #"3 ports in PGPORT ("1,2,3") for 2 hosts in the PostgreSQL connection string ("a,b"): give one port for all hosts, or one per host"#
      )
    ) { try resolve("host=a,b", ["PGPORT": "1,2,3"]) }
  }

  @Test func aBadValueInTheEnvironmentNamesTheVariable() {
    #expect(
      throws: PostgresSettingsError(
        #"invalid sslmode "requir" in PGSSLMODE: expected disable, allow, prefer, require, verify-ca or verify-full"#)
    ) { try resolve("host=db", ["PGSSLMODE": "requir"]) }
    #expect(
      throws: PostgresSettingsError(
        #"invalid connect_timeout "ten" in PGCONNECT_TIMEOUT: expected a whole number of seconds (0 for no limit)"#)
    ) { try resolve("host=db", ["PGCONNECT_TIMEOUT": "ten"]) }
  }

  @Test func thePasswordFileGivesTheFirstMatchingLineWithWildcardsAndEscapes() throws {
    let home = TemporaryFolder()
    try home.write(
      """
      # a comment:*:*:*:not this
      db1:5432:other:app:wrong database
      db1:*:records:app:first\\:match\\\\
      db\\:2:5432:records:app:escaped host
      localhost:5432:records:app:default socket
      /tmp/sockets:5432:records:app:other socket
      *:*:*:app:second match
      too:few:fields:app
      """, to: ".pgpass")
    chmod(home.file(".pgpass"), 0o600)
    let settings = try resolve(
      "host=db1,db9,db:2,,/tmp/sockets dbname=records user=app", home: home)
    #expect(
      settings.servers.map(\.password) == [
        #"first:match\"#, "second match", "escaped host", "default socket", "other socket",
      ])
  }

  @Test func aPasswordInTheStringOrPGPASSWORDComesBeforeThePasswordFile() throws {
    let home = TemporaryFolder()
    try home.write("*:*:*:*:from file\n", to: "pgpass")
    chmod(home.file("pgpass"), 0o600)
    let file = ["PGPASSFILE": home.file("pgpass")]
    #expect(try resolve("host=db", file, home: home).servers.map(\.password) == ["from file"])
    #expect(
      try resolve("host=db", file.merging(["PGPASSWORD": "from env"]) { $1 }, home: home).servers.map(\.password)
        == ["from env"])
    #expect(
      try resolve("host=db password=given", file.merging(["PGPASSWORD": "from env"]) { $1 }, home: home).servers.map(
        \.password) == ["given"])
    #expect(
      try resolve("host=db passfile=/nonexistent", file, home: home).servers.map(\.password) == [nil])
  }

  @Test func aPasswordFileOthersMayReadIsIgnoredWithLibpqsWarning() throws {
    let home = TemporaryFolder()
    try home.write("*:*:*:*:from file\n", to: ".pgpass")
    chmod(home.file(".pgpass"), 0o640)
    var warnings: [String] = []
    let settings = try resolve("host=db", home: home, warnings: &warnings)
    #expect(settings.servers.map(\.password) == [nil])
    #expect(
      warnings == [
        "WARNING: password file \"\(home.path)/.pgpass\" has group or world access; permissions should be u=rw (0600) or less"
      ])
  }
}
