import Foundation
import Testing

/// What a user who ships the binary to servers relies on: version, completions, init, services.
@Suite struct ShippingTests {
  @Test func versionNamesTheBuiltInLibraries() throws {
    let project = try ProjectRunner(manifest: nil)
    let output = try project.succeed(["--version"])
    let pattern = #/^project \d+\.\d+\.\d+ \(SQLite 3\.\d+\.\d+, OpenSSL 3\.\d+\.\d+, libyaml 0\.\d+\.\d+\)\n$/#
    #expect(output.wholeMatch(of: pattern) != nil, "\(output)")
  }

  @Test func completionsKnowTheManifest() throws {
    let project = try ProjectRunner(manifest: Manifests.withHosts)
    func complete(_ words: String...) throws -> [String] {
      try project.succeed(["__complete"] + words).split(separator: "\n").map(String.init)
    }
    #expect(try complete("svc", "") == ["example", "hosts"])
    #expect(try complete("svc", "ex") == ["example"])
    #expect(
      try complete("svc", "example", "")
        == ["add", "get", "list", "count", "update", "delete", "export", "import", "diff"])
    let addFlags = try complete("svc", "example", "add", "--")
    for flag in ["--name", "--count", "--status", "--tags", "--meta", "--set", "--json", "--backend"] {
      #expect(addFlags.contains(flag), "\(flag) in \(addFlags)")
    }
    #expect(try complete("svc", "example", "add", "--status", "") == ["active", "archived"])
    #expect(try complete("svc", "example", "list", "--backend", "") == ["json", "sqlite"])
    #expect(try complete("svc", "example", "list", "-o", "") == ["table", "json", "ndjson", "yaml", "csv"])
    #expect(try complete("svc", "example", "list", "--where", "st") == ["status"])
    #expect(try complete("svc", "example", "list", "--where", "status=a") == ["status=active", "status=archived"])
    #expect(try complete("svc", "example", "list", "--where", "nosuch=a") == [])
    #expect(try complete("svc", "example", "list", "--backend=s") == ["--backend=sqlite"])
    #expect(try complete("").contains("svc"))
    // What completion offers for an option is what it accepts: a path where it takes one,
    // nothing for a number or free text, and never id or the timestamps for --set or --unset.
    #expect(try complete("--manifest", "") == [":files"])
    #expect(try complete("svc", "example", "list", "--manifest", "pro") == [":files"])
    #expect(try complete("svc", "example", "import", "--from", "") == [":files"])
    #expect(try complete("svc", "example", "export", "--to", "") == [":files"])
    #expect(try complete("svc", "example", "export", "--format", "") == ["auto", "json", "ndjson", "csv"])
    #expect(try complete("init", "") == [":directories"])
    #expect(try complete("svc", "example", "list", "--limit", "") == [])
    #expect(try complete("svc", "example", "add", "--name", "") == [])
    #expect(try complete("svc", "example", "add", "--set", "") == ["name", "count", "status", "tags", "meta"])
    #expect(
      try complete("svc", "example", "update", "x", "--unset", "") == ["name", "count", "status", "tags", "meta"])
    #expect(
      try complete("svc", "example", "list", "--sort", "") == [
        "id", "created_at", "updated_at", "name", "count", "status", "tags", "meta",
      ])
    #expect(try complete("svc", "example", "list", "--no") == ["--no-trunc"])
    #expect(try complete("svc", "example", "list", "--man") == ["--manifest"])
    #expect(try complete("services", "-o", "") == ["table", "json"])
    #expect(try complete("completions", "") == ["bash", "zsh", "fish"])
    #expect(try complete("svc", "example", "update", "--where", "count>1", "--y") == ["--yes"])
    #expect(try complete("svc", "example", "diff", "--backends", "") == ["json,sqlite", "sqlite,json"])
    #expect(try complete("svc", "example", "diff", "-o", "") == ["table", "json"])
    #expect(try complete("svc", "example", "diff", "--i") == ["--ids-only"])
    #expect(try complete("check", "--data", "") == ["example", "hosts"])
    #expect(try complete("check", "--backend", "") == ["json", "sqlite"])
    #expect(try complete("check", "-o", "") == ["table", "json"])
    #expect(try complete("backup", "--to", "") == [":directories"])
    #expect(try complete("backup", "--") == ["--to", "--manifest", "--help"])
    #expect(try complete("b") == ["backup"])
  }

  /// Writes a `project` earlier on PATH that prints foreign text, as another tool of that name
  /// (or an older release) would: completion must not run it when the user typed a path.
  func foreignProjectOnPath(_ project: ProjectRunner) throws -> String {
    try project.write("#!/bin/sh\necho FOREIGN\necho --foreign\n", to: "foreign/project")
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: project.path("foreign/project"))
    return project.path("foreign")
  }

  /// The lines each completion printed, between `--- ` markers, without repeats, sorted (fish
  /// sorts what it offers; zsh and bash keep the binary's order).
  func blocks(_ text: String) -> [[String]] {
    text.components(separatedBy: "--- \n").dropFirst().map { block in
      Set(block.split(separator: "\n").map(String.init).filter { $0 != "=== " }).sorted()
    }
  }

  /// A project with a file and a folder to complete, and the foreign `project` first on PATH.
  func completionProject() throws -> (ProjectRunner, String) {
    let project = try ProjectRunner()
    try project.write("id,name\n", to: "incoming.csv")
    try FileManager.default.createDirectory(atPath: project.path("data/json"), withIntermediateDirectories: true)
    return (project, try foreignProjectOnPath(project))
  }

  /// What the scripts must complete, for the binary typed by full path (with the foreign
  /// `project` first on PATH), and for plain `project` when the real one is on PATH.
  static let shellCases: [(line: String, expected: [String])] = [
    ("svc example add --status ", ["active", "archived"]),
    ("svc example list --where status=a", ["status=active", "status=archived"]),
    ("svc example list --limit ", []),
    ("svc example add --set ", ["name", "count", "status", "tags", "meta"]),
    ("--manifest proj", ["project.yaml"]),
    ("svc example import --from inc", ["incoming.csv"]),
  ]

  @Test func bashCompletionRunsTheBinaryTyped() throws {
    let (project, foreign) = try completionProject()
    var script = "export PATH='\(foreign)':$PATH\nsource <('\(ProjectRunner.binary)' completions bash)\n"
    let lines = Self.shellCases.map { "\(ProjectRunner.binary) \($0.line)" } + ["project svc example add --status "]
    for typed in lines {
      script += """
        echo '--- '
        COMP_LINE='\(typed)'; COMP_POINT=${#COMP_LINE}
        read -ra COMP_WORDS <<<"$COMP_LINE"; [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        _project; printf '%s\\n' "${COMPREPLY[@]}"

        """
    }
    let result = try project.tool("/bin/bash", ["-c", script])
    #expect(result.status == 0, "\(result)")
    let got = blocks(result.stdout)
    let expected = (Self.shellCases.map(\.expected) + [["FOREIGN", "--foreign"]]).map { $0.sorted() }
    #expect(got == expected, "\(result)")
  }

  /// zsh, interactively in a pseudo-terminal: compinit, the generated script sourced, then each
  /// line typed with a TAB; every match compadd receives is written to a file.
  @Test
  func zshCompletionWorksInARealShellAndRunsTheBinaryTyped() throws {
    let (project, foreign) = try completionProject()
    try project.write(try project.succeed(["completions", "zsh"]), to: "shell/project.zsh")
    try project.write(Self.zshDriver, to: "drive.zsh")
    let lines = Self.shellCases.map { "\(ProjectRunner.binary) \($0.line)" } + ["project svc example add --status "]
    let result = try project.tool(
      "/bin/sh",
      [
        "-c",
        "PATH='\(foreign)':$PATH exec /usr/bin/zsh -f drive.zsh \"$PWD/shell/project.zsh\" \"$PWD/out.txt\" \"$@\"",
        "sh",
      ] + lines, timeout: 120)
    #expect(result.status == 0, "\(result)")
    let got = blocks(project.read("out.txt") ?? "")
    let expected = (Self.shellCases.map(\.expected) + [["FOREIGN", "--foreign"]]).map { $0.sorted() }
    #expect(got == expected, "\(project.read("out.txt") ?? "")\n\(result)")
  }

  /// Types each line, then TAB, into an interactive zsh in a pseudo-terminal.
  static let zshDriver = #"""
    zmodload zsh/zpty
    script=$1 out=$2; shift 2
    : > $out
    # Reads what the shell wrote to its terminal, so that it never blocks on a full pty.
    drain() { local chunk; while zpty -rt z chunk 2>/dev/null; do :; done }
    # Waits until the file holds $1 lines equal to $2.
    await() {
      local i; local -a lines hits
      for i in {1..400}; do
        drain
        lines=("${(@f)$(<$out)}")
        hits=(${(M)lines:#$2})
        (( $#hits >= $1 )) && return 0
        sleep 0.05
      done
      print -u2 "timed out waiting for $2"; exit 1
    }
    zpty z zsh -f -i
    zpty -w z "PROMPT=''; autoload -Uz compinit; compinit -u -D; source ${(q)script}"
    zpty -w z "bindkey '^I' complete-word; zstyle ':completion:*' insert-tab false"
    zpty -w z "compadd() { local -a __hits; builtin compadd -A __hits "\$@"; (( \$#__hits )) && print -rl -- \$__hits >> ${(q)out}; builtin compadd "\$@" }"
    zpty -w z "print -r -- ready >> ${(q)out}"
    await 1 ready
    integer n=0
    for line in "$@"; do
      zpty -w z "print -r -- '--- ' >> ${(q)out}"
      await $(( ++n )) '--- '
      # Typed only once the line editor is back, as a user types.
      sleep 0.3
      zpty -w -n z "$line"$'\t'
      sleep 0.7
      drain
      zpty -w z $'\x15'
    done
    zpty -w z "print -r -- '=== ' >> ${(q)out}"
    await 1 '=== '
    zpty -d z
    """#

  /// fish's own completion engine (`complete -C`) with the generated script sourced.
  @Test
  func fishCompletionWorksInARealShellAndRunsTheBinaryTyped() throws {
    let (project, foreign) = try completionProject()
    try project.write(try project.succeed(["completions", "fish"]), to: "shell/project.fish")
    var script = "set -x PATH '\(foreign)' $PATH\nsource shell/project.fish\n"
    let lines = Self.shellCases.map { "\(ProjectRunner.binary) \($0.line)" } + ["project svc example add --status "]
    for line in lines {
      script += "echo '--- '\ncomplete -C '\(line)' | string replace -r '\\t.*' ''\n"
    }
    script += "true\n"
    let result = try project.tool("/usr/bin/fish", ["--no-config", "-c", script])
    #expect(result.status == 0, "\(result)")
    let expected = (Self.shellCases.map(\.expected) + [["FOREIGN", "--foreign"]]).map { $0.sorted() }
    #expect(blocks(result.stdout) == expected, "\(result)")
  }

  @Test(arguments: ["bash", "zsh", "fish"])
  func completionScriptsCallBackIntoTheBinary(shell: String) throws {
    let project = try ProjectRunner(manifest: nil)
    let script = try project.succeed(["completions", shell])
    // The binary the user typed runs, never a bare `project` from PATH.
    #expect(script.contains("__complete") && !script.contains("project __complete"), "\(script)")
    let unknown = try project.run(["completions", "tcsh"])
    #expect(unknown.status == 2)
    #expect(
      unknown.stderrLines == ["project: unknown shell 'tcsh'; expected bash, zsh or fish; see 'project --help'"],
      "\(unknown)")
  }

  @Test func bashCompletionWorksInARealShell() throws {
    let project = try ProjectRunner()
    let folder = (ProjectRunner.binary as NSString).deletingLastPathComponent
    let result = try project.tool(
      "/bin/bash",
      [
        "-c",
        """
        export PATH="\(folder):$PATH"
        source <(project completions bash)
        COMP_WORDS=(project svc example add --status ""); COMP_CWORD=5
        _project
        printf '%s\\n' "${COMPREPLY[@]}"
        # As bash fills them: the line up to the cursor, and words split at '=' as well.
        COMP_LINE='project svc example list --where status=ar'; COMP_POINT=${#COMP_LINE}
        COMP_WORDS=(project svc example list --where status = ar); COMP_CWORD=7
        _project
        printf '%s\\n' "${COMPREPLY[@]}"
        COMP_LINE='project svc example list --where status='; COMP_POINT=${#COMP_LINE}
        COMP_WORDS=(project svc example list --where status =); COMP_CWORD=6
        _project
        printf '%s\\n' "${COMPREPLY[@]}"
        COMP_LINE='project svc example list --backend=j'; COMP_POINT=${#COMP_LINE}
        COMP_WORDS=(project svc example list --backend = j); COMP_CWORD=6
        _project
        printf '%s\\n' "${COMPREPLY[@]}"
        """,
      ])
    #expect(result.stdout == "active\narchived\narchived\nactive\narchived\njson\n", "\(result)")
  }

  @Test func initIntoAFolderCreatesItAndTheDataFolders() throws {
    let project = try ProjectRunner(manifest: nil)
    let result = try project.run(["init", "srv/app"])
    #expect(result.status == 0, "\(result)")
    #expect(
      project.exists("srv/app/project.yaml") && project.exists("srv/app/data/json") && project.exists("srv/app/data/db")
    )
    let check = try project.run(["check"], in: "srv/app")
    #expect(check.stdout == "project.yaml: ok, 1 service\n", "\(check)")
  }

  @Test func servicesAsJSONGivesPathsCountsAndLastWrites() throws {
    let project = try ProjectRunner()
    _ = try project.add(["--name", "a"], backend: "json")
    _ = try project.add(["--name", "b"], backend: "sqlite")
    _ = try project.add(["--name", "c"], backend: "sqlite")
    let services = try project.json(["services", "-o", "json"])
    let example = try #require(services.array?.first)
    #expect(example["name"]?.string == "example")
    #expect(example["json"]?["records"]?.int == 1)
    #expect(example["sqlite"]?["records"]?.int == 2)
    #expect(example["sqlite"]?["table"]?.string == "example_items")
    #expect(example["json"]?["path"]?.string == project.path("data/json/example_items.json"))
    #expect(isRecordTimestamp(example["json"]?["last_written"]?.string))
    #expect(isRecordTimestamp(example["sqlite"]?["last_written"]?.string))
  }

  @Test func aServerLayoutWorksFromAnyFolder() throws {
    // Manifest in one place, data_dir an absolute path elsewhere, run from a third folder.
    let project = try ProjectRunner(manifest: nil)
    let varLib = project.root.appendingPathComponent("var/lib/project").path
    try project.write(
      Manifests.example.replacingOccurrences(of: "data_dir: data", with: "data_dir: \(varLib)"),
      to: "etc/project/project.yaml")
    try FileManager.default.createDirectory(atPath: project.path("elsewhere"), withIntermediateDirectories: true)
    let environment = ["PROJECT_MANIFEST": project.path("etc/project/project.yaml")]
    let add = try project.run(["svc", "example", "add", "--name", "srv"], in: "elsewhere", environment: environment)
    #expect(add.status == 0, "\(add)")
    #expect(FileManager.default.fileExists(atPath: varLib + "/db/myapp.db"))
    #expect(!project.exists("elsewhere/data"))
  }

  /// A clean clone needs nothing beside it: the JSONTestSuite files the tests and fuzzers read
  /// are in the repository with their licence, nothing reads the shared folder beside the
  /// repository, the project has its own LICENSE, and the README names every package
  /// `.ci/run` installs for the tests.
  @Test func aCleanCloneHoldsEverythingTheTestsRead() throws {
    let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    func text(_ relative: String) throws -> String {
      try String(contentsOf: package.appendingPathComponent(relative), encoding: .utf8)
    }
    let suite = try FileManager.default.contentsOfDirectory(
      atPath: package.appendingPathComponent("Tests/Fixtures/JSONTestSuite/test_parsing").path)
    #expect(suite.filter { $0.hasSuffix(".json") }.count == 318)
    #expect(
      try text("Tests/Fixtures/JSONTestSuite/LICENSE").hasPrefix("MIT License\n\nCopyright (c) 2016 Nicolas Seriot"))
    let license = try text("LICENSE")
    #expect(license.hasPrefix("Copyright 2026 the project authors\n"))
    #expect(license.contains("Apache License\n                           Version 2.0, January 2004"))
    #expect(license.contains("END OF TERMS AND CONDITIONS"))

    // No script, test or fuzz target reads the shared folder beside the repository.
    var files = ["Package.swift"]
    for folder in ["Tests", "Fuzz", "scripts", ".ci", "packaging"] {
      let walker = try #require(FileManager.default.enumerator(atPath: package.appendingPathComponent(folder).path))
      for case let relative as String in walker {
        let file = folder + "/" + relative
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: package.appendingPathComponent(file).path, isDirectory: &isFolder),
          !isFolder.boolValue
        else { continue }
        if !file.hasPrefix("Tests/Fixtures/") && !file.hasPrefix("Fuzz/corpus/") && !file.hasPrefix("Fuzz/regressions/")
        {
          files.append(file)
        }
      }
    }
    #expect(files.count > 20)
    let beside = ["..", "shared"].joined(separator: "/")
    let testdata = ["shared", "testdata"].joined(separator: "/")
    for file in files {
      let content = try text(file)
      #expect(!content.contains(beside) && !content.contains(testdata), "\(file) reads the shared folder")
    }

    // .ci/run installs the packages; the README names each one.
    let ci = try text(".ci/run")
    let list = try #require(ci.firstMatch(of: /packages=\(([^)]*)\)/)).1.split(separator: " ").map(String.init)
    #expect(list.contains("sqlite3") && list.contains("python3-yaml") && list.contains("jq"), "\(list)")
    let readme = try text("README.md")
    for name in list { #expect(readme.contains(name), "the README does not name \(name)") }
    #expect(!ci.contains("|| true"))
  }

}
