import Foundation
import PostgresTestSupport
import Testing

@testable import ProjectCore

/// A database whose encoding is not UTF8 would change or refuse the records' text: the store
/// refuses it with one sentence before reading or writing anything.
@Suite struct PostgresEncodingTests {
  @Test func aDatabaseInAnotherEncodingThanUTF8IsRefusedBeforeAnyWrite() throws {
    let server = try PostgresTestServer.shared()
    let database = PostgresTestServer.uniqueTable("latin")
    // The superuser, over the cluster's socket (trusted there), makes the database.
    let (status, output) = PostgresTestServer.run(
      "/usr/bin/psql",
      [
        "-h", server.folder, "-p", String(server.port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
        "-c", "CREATE DATABASE \(database) ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0",
      ])
    #expect(status == 0, "\(output)")
    let folder = TemporaryFolder()
    var service = try Fixtures.service(in: folder)
    service.stores.postgres = StoreSettings.Server(
      url: "postgresql:///\(database)?host=\(server.folder)&port=\(server.port)&user=postgres", table: "example_items")
    let store = StoreFactory.store(.postgres, for: service)
    let record = Record(
      id: "a", fields: JSONObject([("name", .string("é"))]), createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z")
    let error = try #require(throws: PostgresError.self) { try store.insert([record], onConflict: .fail) }
    #expect(
      error.description
        == "\(server.folder)/.s.PGSQL.\(server.port): the database's encoding is LATIN1, and records need UTF8; create the database with ENCODING 'UTF8'"
    )
    let tables = PostgresTestServer.run(
      "/usr/bin/psql",
      [
        "-h", server.folder, "-p", String(server.port), "-U", "postgres", "-d", database, "-At", "-c",
        "SELECT count(*) FROM pg_tables WHERE tablename = 'example_items'",
      ])
    #expect(tables.1 == "0\n", "nothing was created")
  }
}
