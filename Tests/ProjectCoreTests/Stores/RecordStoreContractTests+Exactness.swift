import Foundation
import PostgresTestSupport
import Testing

@testable import ProjectCore

/// What every store keeps exactly, loads all or nothing, and never loses between writers.
extension RecordStoreContractTests {
  /// Numbers as written (an integer stays an integer, `1.0` and `-0.0` stay doubles, integers
  /// past 2^53 keep every digit), keys in their order, text with escapes and every plane of
  /// Unicode, and timestamps as written, on every way a store reads a record back.
  @Test(arguments: Backend.allCases)
  func recordsComeBackExactlyAsWritten(backend: Backend) throws {
    let store = service.store(backend)
    let fields = try #require(
      try JSONReader.parse(
        #"""
        {"name": "é e\u0301 \"q\" \\ / \n\t\u0001 😀 日本 \u2028", "count": 9007199254740993, "score": 1.0,
         "meta": {"z": -0.0, "a": 9223372036854775807, "min": -9223372036854775808, "past": 9007199254740993,
          "double": 9007199254740992.0, "huge": 1e19, "tiny": 5e-324, "third": 0.1, "neg": -1.5e-7,
          "nested": {"b": [1, 1.0, -0, true, null, {}, []], "a": {"y": "", "x": "\u001fx\ud83d\ude00"}}},
         "extra": 18446744073709551616.0}
        """#
      ).objectValue)
    var record = Record(
      id: "exact é", fields: fields, createdAt: "2024-05-01T10:00:00.123456",
      updatedAt: "2024-05-01T10:00:00.123456+00:00")
    _ = try store.insert([record], onConflict: .fail)
    let written = JSONWriter.string(.object(fields))
    for back in [try store.get(ids: [record.id]), try store.list(.all)] {
      let found = try #require(back.first)
      #expect(JSONWriter.string(.object(found.fields)) == written)
      #expect((found.createdAt, found.updatedAt) == (record.createdAt, record.updatedAt))
      #expect(found.fields["count"] == .integer(9_007_199_254_740_993))
      #expect(found.fields["score"] == .double(1.0))
      let meta = try #require(found.fields["meta"]?.objectValue)
      #expect(meta.keys == ["z", "a", "min", "past", "double", "huge", "tiny", "third", "neg", "nested"])
      guard case .double(let zero)? = meta["z"] else {
        Issue.record("-0.0 came back as \(String(describing: meta["z"]))")
        continue
      }
      #expect(zero == 0 && zero.sign == .minus)
      #expect(meta["a"] == .integer(.max) && meta["min"] == .integer(.min))
      #expect(meta["double"] == .double(9_007_199_254_740_992) && meta["huge"] == .double(1e19))
      #expect(found.fields["extra"] == .double(18_446_744_073_709_551_616.0))
    }
    if let raw = store as? RawRowStreaming {
      var rows: [(String, String, String, String)] = []
      try raw.forEachRow { id, data, createdAt, updatedAt in
        rows.append((id, String(decoding: data, as: UTF8.self), createdAt, updatedAt))
      }
      #expect(rows.count == 1)
      let row = try #require(rows.first)
      #expect(row.0 == record.id && row.2 == record.createdAt && row.3 == record.updatedAt)
      #expect(JSONWriter.string(try JSONReader.parse(row.1)) == written)
    }
  }

  /// The records of `batches` loaded as `import` loads them: batch by batch in one transaction
  /// where the store can, else in one `insert`.
  func bulkLoad(_ store: RecordStore, _ batches: [[Record]], onConflict: ConflictPolicy) throws -> WriteSummary {
    if let loader = store as? any BulkLoading { return try load(loader, batches, onConflict: onConflict) }
    return try store.insert(batches.flatMap { $0 }, onConflict: onConflict)
  }

  func load<Loader: BulkLoading>(_ loader: Loader, _ batches: [[Record]], onConflict: ConflictPolicy) throws
    -> WriteSummary
  {
    try loader.withBulkLoad(onConflict: onConflict) { load in
      var total = WriteSummary()
      for batch in batches {
        var rows = Loader.Rows()
        for record in batch { rows.append(record) }
        let summary = try load(rows)
        total.added += summary.added
        total.updated += summary.updated
        total.skipped += summary.skipped
      }
      return total
    }
  }

  @Test(arguments: Backend.allCases)
  func bulkLoadIsAllOrNothing(backend: Backend) throws {
    let store = service.store(backend)
    let stored = try record(#"{"name": "stored", "email": "s@example.com"}"#)
    _ = try store.insert([stored], onConflict: .fail)
    let b = try record(#"{"name": "b", "email": "b@example.com"}"#)
    let c = try record(#"{"name": "c"}"#)
    var again = try record(#"{"name": "again"}"#)
    again.id = stored.id
    #expect(throws: StoreError.duplicateID(id: stored.id, location: store.location)) {
      try bulkLoad(store, [[b, c], [again]], onConflict: .fail)
    }
    let twin = try record(#"{"name": "twin", "email": "b@example.com"}"#)
    #expect(
      throws: StoreError.uniqueViolationInInput(field: "email", value: #""b@example.com""#, firstID: b.id, id: twin.id)
    ) {
      try bulkLoad(store, [[b, c], [twin]], onConflict: .fail)
    }
    let taken = try record(#"{"name": "taken", "email": "s@example.com"}"#)
    #expect(
      throws: StoreError.uniqueViolation(
        field: "email", value: #""s@example.com""#, existingID: stored.id, location: store.location)
    ) {
      try bulkLoad(store, [[b, c], [taken]], onConflict: .fail)
    }
    #expect(try store.list(.all) == [stored])
    #expect(try bulkLoad(store, [[b, c], [again]], onConflict: .skip) == WriteSummary(added: 2, skipped: 1))
    #expect(try bulkLoad(store, [[again], [b]], onConflict: .overwrite) == WriteSummary(updated: 2))
    #expect(try store.get(ids: [stored.id, b.id, c.id]) == [again, b, c])
  }

  /// Writers that each read a record, change it and write it back never lose another's change:
  /// every store makes the read and the write one step.
  @Test(arguments: Backend.allCases)
  func concurrentUpdatesLoseNoChange(backend: Backend) throws {
    let added = try record(#"{"name": "counter", "count": 0}"#)
    _ = try service.store(backend).insert([added], onConflict: .fail)
    let definition = service.definition
    let id = added.id
    let failures = Failures()
    let writers = 4
    let rounds = 10
    DispatchQueue.concurrentPerform(iterations: writers) { _ in
      let store = StoreFactory.store(backend, for: definition)
      for _ in 0..<rounds {
        do {
          _ = try store.update(id: id) { record in
            guard case .integer(let count)? = record.fields["count"] else {
              throw StoreError.notFound(ids: [id], location: "")
            }
            record.fields["count"] = .integer(count + 1)
          }
        } catch {
          failures.add("\(error)")
        }
      }
    }
    #expect(failures.all.isEmpty)
    #expect(try service.store(backend).get(ids: [id]).first?.fields["count"] == .integer(Int64(writers * rounds)))
  }
}

extension RecordStoreContractTests {
  /// A second update of a record waits for the first to commit before it reads the record, so
  /// that it changes what the first wrote. The first holds its transaction open until the
  /// server shows the second waiting for a lock on the table, or the second has read the record.
  @Test func aSecondUpdateOfARecordReadsItOnlyAfterTheFirstCommitsOnPostgreSQL() throws {
    let added = try record(#"{"name": "counter", "count": 0}"#)
    let first = service.store(.postgres)
    _ = try first.insert([added], onConflict: .fail)
    let definition = service.definition
    let table = try #require(definition.stores.postgres?.table)
    let id = added.id
    let observer = try PostgresConnection(try PostgresTestServer.shared().configuration())
    let secondRead = Failures()
    let failures = Failures()
    let done = DispatchSemaphore(value: 0)
    _ = try first.update(id: id) { record in
      Thread.detachNewThread {
        do {
          _ = try StoreFactory.store(.postgres, for: definition).update(id: id) { record in
            secondRead.add("read")
            guard case .integer(let count)? = record.fields["count"] else { return }
            record.fields["count"] = .integer(count + 1)
          }
        } catch {
          failures.add("\(error)")
        }
        done.signal()
      }
      while secondRead.all.isEmpty {
        let waiting = try observer.rows(
          "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a USING (pid) WHERE NOT l.granted AND a.query LIKE '%' || $1 || '%')",
          [.text(table)])
        if waiting == [["t"]] { break }
      }
      record.fields["count"] = .integer(1)
    }
    done.wait()
    #expect(failures.all.isEmpty)
    #expect(try first.get(ids: [id]).first?.fields["count"] == .integer(2))
  }
}

/// Errors gathered from several threads.
final class Failures: @unchecked Sendable {
  private let lock = NSLock()
  private var list: [String] = []
  func add(_ text: String) { lock.withLock { list.append(text) } }
  var all: [String] { lock.withLock { list } }
}
