import Testing

@testable import ProjectCore

/// libpq's two forms of connection string, read as libpq reads them, and the sentences a bad
/// one gets.
@Suite struct PostgresConnectionStringTests {
  @Test func aURIGivesCredentialsHostsPortsDatabaseAndParameters() throws {
    let string = try PostgresConnectionString(
      parsing:
        "postgresql://alice:s%40cr%3At@db1.example:5433,db2.example/rec%20ords?sslmode=verify-full&connect_timeout=5&application_name=cron"
    )
    #expect(
      string.parameters == [
        "user": "alice", "password": "s@cr:t", "host": "db1.example,db2.example", "port": "5433,",
        "dbname": "rec ords", "sslmode": "verify-full", "connect_timeout": "5", "application_name": "cron",
      ])
  }

  @Test func aURIReadsIPv6AddressesInBrackets() throws {
    let string = try PostgresConnectionString(parsing: "postgres://[::1]:6543,[fe80::1%25eth0]/db")
    #expect(string.parameters == ["host": "::1,fe80::1%eth0", "port": "6543,", "dbname": "db"])
  }

  @Test func aURIHostThatIsAPathIsASocketFolderEncodedOrInTheQuery() throws {
    let encoded = try PostgresConnectionString(parsing: "postgresql://%2Fvar%2Frun%2Fpostgresql:5433/db")
    #expect(encoded.parameters == ["host": "/var/run/postgresql", "port": "5433", "dbname": "db"])
    let query = try PostgresConnectionString(parsing: "postgresql:///db?host=/tmp/sockets&port=6000&user=bob")
    #expect(query.parameters == ["host": "/tmp/sockets", "port": "6000", "dbname": "db", "user": "bob"])
    #expect(try PostgresConnectionString(parsing: "postgresql://").parameters == [:])
  }

  @Test func keyValuePairsTakeQuotesAndBackslashEscapes() throws {
    let string = try PostgresConnectionString(
      parsing: #"host=a,b port = 5432,5433 dbname='my db' user=o\'neil password='it\'s \\ "x"' sslmode=require"#)
    #expect(
      string.parameters == [
        "host": "a,b", "port": "5432,5433", "dbname": "my db", "user": "o'neil", "password": #"it's \ "x""#,
        "sslmode": "require",
      ])
    #expect(try PostgresConnectionString(parsing: "  ").parameters == [:])
  }

  @Test func aPasswordIsFoundInEitherForm() {
    #expect(PostgresConnectionString.containsPassword("postgres://app:secret@db1/records"))
    #expect(PostgresConnectionString.containsPassword("host=db1 password='x y'"))
    #expect(!PostgresConnectionString.containsPassword("postgres://app@db1:5432/records?sslmode=verify-full"))
    #expect(!PostgresConnectionString.containsPassword("host=db1 user=app"))
  }

  @Test(arguments: [
    (
      "host=db sslmode=requir",
      #"invalid sslmode "requir" in the PostgreSQL connection string: expected disable, allow, prefer, require, verify-ca or verify-full"#
    ),
    (
      "postgres://db:54x32/records",
      #"invalid port "54x32" in the PostgreSQL connection string: expected a number from 1 to 65535"#
    ),
    (
      "port=5432,70000", #"invalid port "70000" in the PostgreSQL connection string: expected a number from 1 to 65535"#
    ),
    (
      "connect_timeout=-1",
      #"invalid connect_timeout "-1" in the PostgreSQL connection string: expected a whole number of seconds (0 for no limit)"#
    ),
    (
      "target_session_attrs=master",
      #"invalid target_session_attrs "master" in the PostgreSQL connection string: expected any, read-write, read-only, primary, standby or prefer-standby"#
    ),
    ("host=db sslcert=/x.crt", #"unknown key "sslcert" in the PostgreSQL connection string"#),
    ("postgres://db/x?sslmod=require", #"unknown key "sslmod" in the PostgreSQL connection string"#),
    (
      "hostaddr=10.0.0.1",
      "hostaddr is not supported in the PostgreSQL connection string: give the address as host"
    ),
    ("host db", #"missing "=" after "host" in the PostgreSQL connection string"#),
    (
      "password='abc",
      "the value of password in the PostgreSQL connection string opens a quote (') that is never closed"
    ),
    (
      "postgres://db/x%2",
      #"invalid percent-encoding "%2" in the PostgreSQL connection string: expected % and two hex digits, not %00"#
    ),
    (
      "postgres://db/x%00y",
      #"invalid percent-encoding "%00" in the PostgreSQL connection string: expected % and two hex digits, not %00"#
    ),
    (
      "postgres://[::1/x",
      #"the PostgreSQL connection string has a "[" with no "]" closing its IPv6 address"#
    ),
    ("postgres://[::1]x/db", #"unexpected "x" after host "::1" in the PostgreSQL connection string"#),
    (
      "postgres://db/x?sslmode",
      #"the parameter "sslmode" in the PostgreSQL connection string needs one "=" and a value (key=value)"#
    ),
  ])
  func aBadStringIsRefusedNamingTheKeyAndValue(text: String, message: String) {
    #expect(throws: PostgresSettingsError(message)) { try PostgresConnectionString(parsing: text) }
  }

  @Test func aBadValueNeverQuotesThePassword() throws {
    let error = try #require(throws: PostgresSettingsError.self) {
      try PostgresConnectionString(parsing: "postgres://app:hunter2@db:port/x")
    }
    #expect(
      error.description
        == #"invalid port "port" in the PostgreSQL connection string: expected a number from 1 to 65535"#)
    #expect(error.exitCode == 2)
  }
}
