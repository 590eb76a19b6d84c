// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for Understudy's parsers, kept out of the main package so `swift build` and
// `swift test` never see them. Build and run through scripts/fuzz (it passes the sanitizer flags).
let package = Package(
    name: "UnderstudyFuzz",
    dependencies: [.package(name: "Understudy", path: "../..")],
    targets: [
        // Declares libFuzzer's LLVMFuzzerRunDriver for Swift (the runtime itself comes with -sanitize=fuzzer).
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "understudy-fuzz",
            dependencies: [
                "FuzzDriver",
                .product(name: "UnderstudyContract", package: "Understudy"),
                .product(name: "UnderstudyMock", package: "Understudy"),
            ],
            // gold fails on the sanitized link ("internal error in format_file_lineno"); lld links it.
            linkerSettings: [.unsafeFlags(["-use-ld=lld"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
