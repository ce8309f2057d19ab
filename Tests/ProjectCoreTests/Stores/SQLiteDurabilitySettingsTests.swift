import Foundation
import Testing

@testable import ProjectCore

/// The settings SQLite's durability rests on, read back from the store's own connection.
@Suite struct SQLiteDurabilitySettingsTests {
  /// A write connection runs in WAL mode with `synchronous = FULL` (2): each commit is synced
  /// before it returns. A first load into a new file runs in rollback-journal mode with
  /// `synchronous = EXTRA` (3): the folder is synced after the journal is deleted.
  @Test func writersRunWithSynchronousFullInWALModeAndExtraWhileLoadingANewFile() throws {
    let folder = TemporaryFolder()
    let definition = try Fixtures.service(in: folder)
    let loader = SQLiteStore(service: definition)
    let (bulk, isNew) = try loader.openWriter(bulk: true)
    #expect(isNew)
    #expect(try bulk.scalarText("PRAGMA synchronous") == "3")
    #expect(try bulk.scalarText("PRAGMA journal_mode") == "delete")

    let store = SQLiteStore(service: definition)
    let db = try store.writer()
    #expect(try db.scalarText("PRAGMA journal_mode") == "wal")
    #expect(try db.scalarText("PRAGMA synchronous") == "2")
  }

  /// The busy timeout is `PROJECT_LOCK_TIMEOUT`'s (30 s unless set), in milliseconds.
  @Test func theBusyTimeoutIsTheLockTimeout() throws {
    let folder = TemporaryFolder()
    let store = SQLiteStore(service: try Fixtures.service(in: folder))
    #expect(store.busyTimeoutMilliseconds == Int32(LockTimeout.current * 1000))
    #expect(try LockTimeout.seconds(from: nil) == 30)
    #expect(try LockTimeout.seconds(from: "0.5") == 0.5)
    #expect(throws: LockTimeout.InvalidSetting.self) { try LockTimeout.seconds(from: "-1") }
    #expect(
      LockTimeout.message(seconds: 30)
        == "still locked by another process after 30 s; nothing was written (PROJECT_LOCK_TIMEOUT sets how long to wait)"
    )
  }
}
