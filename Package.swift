// swift-tools-version:6.0
import PackageDescription

// libyaml: Yams' vendored copy (its CYaml module) in a clone, so nothing beyond Swift is needed;
// Debian's libyaml-dev (pkg-config yaml-0.1, the same 0.2.5) when UNDERSTUDY_SYSTEM_LIBYAML is
// set, as scripts/release does: the Yams product links Foundation and ICU (about 35 MB of the
// binary's 78) into a static binary whose code uses neither. Both give the module `CYaml`.
let systemLibYAML = Context.environment["UNDERSTUDY_SYSTEM_LIBYAML"] != nil
let libYAML: Target.Dependency = systemLibYAML ? "CYaml" : .product(name: "Yams", package: "Yams")
/// Yams' own reader, for the test that the fixture reader reads as it did (a clone's build only).
let yamsForTests: [Target.Dependency] = systemLibYAML ? [] : [.product(name: "Yams", package: "Yams")]

let package = Package(
    name: "Understudy",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "understudy", targets: ["understudy"]),
        .library(name: "UnderstudyContract", targets: ["UnderstudyContract"]),
        .library(name: "UnderstudyMock", targets: ["UnderstudyMock"]),
        .library(name: "UnderstudyServer", targets: ["UnderstudyServer"]),
        // An in-process server for Swift tests.
        .library(name: "UnderstudyTesting", targets: ["UnderstudyTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // The tool's own HTTP client (conform, proxy): async streaming bodies, TLS, pooling.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // GET /metrics: Prometheus' counters, gauges and histograms and their text exposition.
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // The contract as data: JSON values, specs and fixtures (libyaml), schemas, validation. No NIO.
        .target(name: "UnderstudyContract", dependencies: [libYAML]),
        // The fake provider: catalog, usage, synthesis. Pure: request in, response plan out. No NIO.
        .target(
            name: "UnderstudyMock",
            dependencies: ["UnderstudyContract"]
        ),
        // The wire: SwiftNIO HTTP/1.1 (llhttp inside NIOHTTP1).
        .target(
            name: "UnderstudyServer",
            dependencies: [
                "UnderstudyMock",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // Brings llhttp (NIO's CNIOLLHTTP), which RequestReader.swift drives directly.
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Contract verdicts on any OpenAI-compatible server: named checks and generated cases.
        .target(
            name: "UnderstudyConform",
            dependencies: [
                "UnderstudyContract",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Between a client and a real provider: forwards, validates live, records.
        .target(
            name: "UnderstudyProxy",
            dependencies: [
                "UnderstudyContract",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "UnderstudyTesting", dependencies: ["UnderstudyServer", "UnderstudyMock", "UnderstudyContract"]),
        // Shared state between replicas (issue 13): a small RESP2 codec and pipelined client on SwiftNIO.
        .target(
            name: "UnderstudyRedis",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The engine's state in Redis, shared by replicas (`serve --state redis://…`).
        .target(
            name: "UnderstudyRedisState",
            dependencies: ["UnderstudyMock", "UnderstudyContract", "UnderstudyRedis", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "understudy",
            dependencies: [
                "UnderstudyServer",
                "UnderstudyConform",
                "UnderstudyProxy",
                "UnderstudyRedis",
                "UnderstudyRedisState",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Benchmarks live under bench/ (not tests: speed is measured, never asserted).
        .executableTarget(name: "engine-bench", dependencies: ["UnderstudyMock"], path: "bench/engine"),
        .testTarget(name: "UnderstudyContractTests", dependencies: ["UnderstudyContract"]),
        .testTarget(name: "UnderstudyTestingTests", dependencies: ["UnderstudyTesting", "UnderstudyMock"]),
        .testTarget(name: "UnderstudyMockTests", dependencies: ["UnderstudyMock"] + yamsForTests),
        .testTarget(name: "UnderstudyConformTests", dependencies: ["UnderstudyConform", "UnderstudyTesting"]),
        .testTarget(
            name: "UnderstudyProxyTests",
            dependencies: [
                "UnderstudyProxy", "UnderstudyTesting", "UnderstudyMock",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "UnderstudyRedisTests",
            dependencies: [
                "UnderstudyRedis",
                "UnderstudyRedisState",
                "UnderstudyMock",
                "UnderstudyContract",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "UnderstudyServerTests",
            dependencies: [
                "UnderstudyServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

if systemLibYAML {
    // No pkgConfig: SwiftPM would put its `-L/usr/lib/...` ahead of the release build's archive folder, and
    // libyaml.so and libz.so would be linked instead of their archives. yaml.h is on the default path.
    package.targets.append(.systemLibrary(name: "CYaml", path: "Sources/CYamlSystem", providers: [.apt(["libyaml-dev"])]))
} else {
    package.dependencies.append(.package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"))
}

// Foundation's String extensions (in any file that imports a module built on it) must not shadow
// the standard library's on the request path: only a file that imports a module sees its members.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.enableUpcomingFeature("MemberImportVisibility")]
}
