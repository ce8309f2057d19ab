// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "project",
  products: [
    .executable(name: "project", targets: ["project"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    .systemLibrary(
      name: "CSQLite",
      pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]
    ),
    .systemLibrary(
      name: "CYAML",
      pkgConfig: "yaml-0.1",
      providers: [.apt(["libyaml-dev"])]
    ),
    // TLS and the PostgreSQL client's SCRAM primitives (libssl.a and libcrypto.a link statically).
    .systemLibrary(
      name: "COpenSSL",
      pkgConfig: "openssl",
      providers: [.apt(["libssl-dev"])]
    ),
    // `pattern:` is matched by RE2 (Debian's libre2-dev ships libre2.a): a few extern "C"
    // functions over it, since Swift does not import C++ here.
    .target(
      name: "CRE2Bridge",
      linkerSettings: [.linkedLibrary("re2"), .linkedLibrary("stdc++")]
    ),
    .target(
      name: "ProjectCore",
      dependencies: ["CSQLite", "CYAML", "CRE2Bridge", "COpenSSL"]
    ),
    .executableTarget(
      name: "project",
      dependencies: [
        "ProjectCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // The throwaway PostgreSQL cluster both test targets use.
    .target(name: "PostgresTestSupport", dependencies: ["ProjectCore"], path: "Tests/PostgresTestSupport"),
    .testTarget(
      name: "ProjectCoreTests",
      dependencies: ["ProjectCore", "PostgresTestSupport"]
    ),
    .testTarget(
      name: "ProjectTests",
      dependencies: ["project", "PostgresTestSupport"]
    ),
    // libFuzzer targets: scripts/fuzz.sh builds them with -DFUZZING -sanitize=fuzzer,address;
    // a plain build makes each one replay the input files named on its command line.
    .target(name: "FuzzSupport", dependencies: ["ProjectCore"], path: "Fuzz/FuzzSupport"),
    .executableTarget(
      name: "FuzzJSONReader", dependencies: ["ProjectCore", "FuzzSupport"], path: "Fuzz/FuzzJSONReader"),
    .executableTarget(
      name: "FuzzManifestLoader", dependencies: ["ProjectCore", "FuzzSupport"], path: "Fuzz/FuzzManifestLoader"),
    .executableTarget(
      name: "FuzzWhereParser", dependencies: ["ProjectCore", "FuzzSupport"], path: "Fuzz/FuzzWhereParser"),
  ]
)
