import Foundation
import Testing

@testable import ProjectCore

/// The contract of `RecordRewriting` (what `migrate` writes through), run against every store.
extension RecordStoreContractTests {
  struct Refused: Error {}

  func rewriting(_ backend: Backend) throws -> RecordRewriting {
    try #require(service.store(backend) as? RecordRewriting, "the \(backend) store cannot rewrite records")
  }

  /// Two stored records, `a` and `b`.
  func seeded(_ backend: Backend) throws -> (RecordRewriting, Record, Record) {
    let store = try rewriting(backend)
    let stamp = "2020-01-01T00:00:00.000Z"
    let a = try service.newRecord(fields: JSONObject([("name", .string("a"))]), now: stamp)
    let b = try service.newRecord(fields: JSONObject([("name", .string("b"))]), now: stamp)
    _ = try store.insert([a, b], onConflict: .fail)
    return (store, a, b)
  }

  @Test(arguments: Backend.allCases)
  func rewriteReplacesTheRecordsReturnedAndKeepsTheOthers(backend: Backend) throws {
    let (store, a, b) = try seeded(backend)
    var changed = a
    changed.fields["name"] = .string("a2")
    changed.updatedAt = "2021-01-01T00:00:00.000Z"
    let seen = try store.rewrite { records in ([changed], records.map(\.id)) }
    #expect(seen == [a.id, b.id])
    #expect(try store.get(ids: [a.id, b.id]) == [changed, b])
  }

  @Test(arguments: Backend.allCases)
  func aChangeThatThrowsWritesNothing(backend: Backend) throws {
    let (store, a, b) = try seeded(backend)
    #expect(throws: Refused.self) {
      try store.rewrite { (_: [Record]) throws -> (changed: [Record], result: Void) in throw Refused() }
    }
    #expect(try store.get(ids: [a.id, b.id]) == [a, b])
  }

  @Test(arguments: Backend.allCases)
  func aRecordNotStoredFailsTheRewriteAndWritesNothing(backend: Backend) throws {
    let (store, a, b) = try seeded(backend)
    var changed = a
    changed.fields["name"] = .string("a2")
    var ghost = b
    ghost.id = "ghost"
    #expect(throws: StoreError.notFound(ids: ["ghost"], location: store.location)) {
      try store.rewrite { _ in ([changed, ghost], ()) }
    }
    #expect(try store.get(ids: [a.id, b.id]) == [a, b])
  }

  @Test(arguments: Backend.allCases)
  func rewritingAStoreThatDoesNotExistCreatesNothing(backend: Backend) throws {
    let store = try rewriting(backend)
    let seen = try store.rewrite { records in ([], records.count) }
    #expect(seen == 0)
    #expect(try store.staleIndexes() == [])
    #expect(!FileManager.default.fileExists(atPath: folder.file("data")))
    #expect(try !storeExists(backend))
  }
}
