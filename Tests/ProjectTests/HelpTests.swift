import Testing

/// `--help` of record commands lists the flags the schema gives.
@Suite struct HelpTests {
  func line(_ help: String, flag: String) -> String? {
    help.split(separator: "\n").map(String.init).first { $0.hasPrefix("  --\(flag) ") }
  }

  @Test func addHelpListsEachFieldFlagWithItsTypeDefaultAndEnumValues() throws {
    let project = try ProjectRunner()
    let result = try project.run(["svc", "example", "add", "--help"])
    #expect(result.status == 0 && result.stderr == "", "\(result)")
    let help = result.stdout
    #expect(help.hasPrefix("USAGE: project svc example add "))

    let name = try #require(line(help, flag: "name"), "no --name line in\n\(help)")
    #expect(name.contains("<string>") && name.contains("required"), "\(name)")
    let count = try #require(line(help, flag: "count"), "no --count line in\n\(help)")
    #expect(count.contains("<integer>") && count.contains("default 0") && count.contains("min 0"), "\(count)")
    let status = try #require(line(help, flag: "status"), "no --status line in\n\(help)")
    #expect(
      status.contains("active|archived") && status.contains("enum") && status.contains(#"default "active""#),
      "\(status)")
    let tags = try #require(line(help, flag: "tags"), "no --tags line in\n\(help)")
    #expect(tags.contains("array of string") && tags.contains("default []"), "\(tags)")
    let meta = try #require(line(help, flag: "meta"), "no --meta line in\n\(help)")
    #expect(meta.contains("object"), "\(meta)")
    for option in ["set", "json", "backend"] {
      #expect(line(help, flag: option) != nil, "no --\(option) line in\n\(help)")
    }
    // Asking for help writes nothing.
    #expect(!project.exists("data"))
  }

  @Test func helpFlagsOfAnotherServiceComeFromItsOwnSchema() throws {
    let project = try ProjectRunner(manifest: Manifests.withHosts)
    let result = try project.run(["svc", "hosts", "update", "-h"])
    #expect(result.status == 0, "\(result)")
    for flag in [
      "hostname", "ip", "cpu_load", "cores", "active", "last_seen", "installed", "role", "labels", "location", "extra",
      "unset",
    ] {
      #expect(line(result.stdout, flag: flag) != nil, "no --\(flag) in\n\(result.stdout)")
    }
    #expect(line(result.stdout, flag: "role")?.contains("web|db|cache|worker") == true)
    #expect(line(result.stdout, flag: "name") == nil)
  }
}
