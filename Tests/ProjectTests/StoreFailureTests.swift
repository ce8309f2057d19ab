import Foundation
import Testing

/// A store the machine will not let `project` write or read — a full disk, a read-only mount,
/// a file it has no permission for — fails with the cause the system gave ("No space left on
/// device", "Read-only file system", "Permission denied"), for the SQLite store as for the JSON
/// store, never only SQLite's "disk I/O error" or "unable to open database file"; and
/// `services` exits 1 when it cannot read a store.
///
/// These tests need root (to mount a small tmpfs, and to run the binary as another user with
/// `setpriv`); without it they fail, they do not skip.
@Suite(.serialized) struct StoreFailureTests {
  static let backends = ["json", "sqlite"]
  static let nobody = "65534"

  /// Fills the disk with a file, so that the store's first write finds no space.
  @Test(arguments: backends)
  func aFullDiskNamesNoSpaceLeft(backend: String) throws {
    let project = try ProjectRunner()
    let data = try project.mountSmallDisk()
    defer { project.unmount(data) }
    let fill = try project.tool("/bin/sh", ["-c", "head -c 1000000 /dev/zero > data/fill; true"])
    #expect(fill.status == 0, "\(fill)")
    let result = try project.run(["svc", "example", "add", "--name", "x", "--backend", backend])
    #expect(result.status == 1, "\(result)")
    #expect(result.stderrLines.count == 1 && result.stderr.hasPrefix("project: "), "\(result)")
    #expect(result.stderr.contains("No space left on device (errno 28)"), "\(result)")
    #expect(
      !result.stderr.contains("disk I/O error") && !result.stderr.contains("database or disk is full"), "\(result)")
    #expect(!result.showsCrash)
  }

  /// A store with records on a mount that turns read-only: writes and reads name the cause, and
  /// `services` shows `error` for the store, prints why on stderr, and exits 1.
  @Test(arguments: backends)
  func aReadOnlyMountNamesReadOnlyFileSystem(backend: String) throws {
    let project = try ProjectRunner()
    let data = try project.mountSmallDisk()
    defer { project.unmount(data) }
    _ = try project.add(["--name", "before"], backend: backend)
    let remount = try project.tool("/bin/mount", ["-o", "remount,ro", data])
    try #require(remount.status == 0, "\(remount)")

    let add = try project.run(["svc", "example", "add", "--name", "x", "--backend", backend])
    #expect(add.status == 1, "\(add)")
    #expect(add.stderrLines.count == 1 && add.stderr.hasPrefix("project: "), "\(add)")
    #expect(add.stderr.contains("Read-only file system (errno 30)"), "\(add)")
    #expect(!add.stderr.contains("unable to open database file") && !add.stderr.contains("disk I/O error"), "\(add)")

    #expect(try project.count(backend) == 1)
  }

  /// `services` shows `error` for a store it cannot read, prints why on stderr, one line per
  /// store, and exits 1 (it exited 0).
  @Test(arguments: ["table", "json"])
  func servicesExitsOneWhenAStoreCannotBeRead(output: String) throws {
    let project = try ProjectRunner()
    try project.write(
      "not a database, and longer than a SQLite header of one hundred bytes: " + String(repeating: "x", count: 200),
      to: "data/db/myapp.db")
    try project.write("{ \"a\": ", to: "data/json/example_items.json")
    let result = try project.run(["services", "-o", output])
    #expect(result.status == 1, "\(result)")
    #expect(
      result.stderrLines == [
        "project: example [json]: data/json/example_items.json:1:8: unexpected end of text; expected a JSON value; the file is left as it is; fix it by hand or restore it",
        "project: example [sqlite]: data/db/myapp.db (table example_items): the database file is damaged or is not a SQLite database (file is not a database)",
      ], "\(result)")
    if output == "table" {
      #expect(
        result.stdoutLines.filter { $0.hasPrefix("example  ") }.map {
          $0.split(separator: " ").prefix(3).joined(separator: " ")
        } == ["example json error", "example sqlite error"], "\(result)")
    } else {
      #expect(
        result.stdout.contains("\"error\": \"data/db/myapp.db (table example_items): the database file is damaged"),
        "\(result)")
    }
  }

  /// Another user, without write permission on the data folder and its files (run with
  /// `setpriv` as uid 65534): the error says "Permission denied", and `services` exits 1.
  @Test(arguments: backends)
  func aStoreWithoutPermissionNamesPermissionDenied(backend: String) throws {
    try #require(
      getuid() == 0,
      "this test runs the binary as another user with setpriv, which needs root: run swift test as root (see the README)"
    )
    let project = try ProjectRunner()
    _ = try project.add(["--name", "before"], backend: backend)
    func asNobody(_ arguments: [String]) throws -> RunResult {
      try project.tool(
        "/usr/bin/setpriv",
        ["--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", ProjectRunner.binary] + arguments)
    }
    let add = try asNobody(["svc", "example", "add", "--name", "x", "--backend", backend])
    #expect(add.status == 1, "\(add)")
    #expect(add.stderrLines.count == 1 && add.stderr.hasPrefix("project: "), "\(add)")
    #expect(add.stderr.contains("Permission denied (errno 13)"), "\(add)")
    #expect(
      !add.stderr.contains("attempt to write a readonly database")
        && !add.stderr.contains("unable to open database file"), "\(add)")

    // A new database in a folder the user cannot write.
    let fresh = try project.run(["svc", "example", "count", "--backend", backend])
    #expect(fresh.stdout == "1\n", "\(fresh)")
    if backend == "sqlite" {
      try FileManager.default.removeItem(atPath: project.path("data/db/myapp.db"))
      let create = try asNobody(["svc", "example", "add", "--name", "x", "--backend", backend])
      #expect(create.status == 1, "\(create)")
      #expect(
        create.stderrLines == [
          "project: data/db/myapp.db (table example_items): cannot open the database file: Permission denied (errno 13)"
        ], "\(create)")
      _ = try project.add(["--name", "again"], backend: backend)
      let services = try asNobody(["services"])
      #expect(services.status == 1, "\(services)")
      #expect(
        services.stderrLines.count == 1 && services.stderr.hasPrefix("project: example [sqlite]: ")
          && services.stderr.contains("Permission denied (errno 13)"), "\(services)")
    }
  }
}
