// swift-tools-version:6.0
// latsim: a deterministic discrete-event latency simulator.
// Layers (one-way arrows): CGSL <- LatSimCore <- LatSimNetwork <- {LatSimMarkets, LatSimSettlement} <- LatSimExperiments
//                           <- LatSimCLI <- latsim
import PackageDescription

let invariants: [SwiftSetting] = [
    // Invariant checks (event never in the past, heap order) compiled in for debug builds only.
    .define("LATSIM_INVARIANTS", .when(configuration: .debug)),
    // Generic building blocks (ServiceStation<Job>, RingBuffer, Broker) are used across modules on
    // the hot path: full cross-module optimisation lets the graph engine specialise them
    // (benchmarks/README.md has the measurement).
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "latsim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "latsim", targets: ["latsim"]),
        .library(name: "LatSimCore", targets: ["LatSimCore"]),
        .library(name: "LatSimExperiments", targets: ["LatSimExperiments"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        // The one system call Swift's Glibc does not expose: an atomic exchange of two paths.
        .target(name: "CFileSystem"),
        .target(name: "LatSimCore", dependencies: ["CGSL"], swiftSettings: invariants),
        .target(name: "LatSimNetwork", dependencies: ["LatSimCore"], swiftSettings: invariants),
        .target(name: "LatSimGraph", dependencies: ["LatSimCore", "LatSimNetwork", "LatSimMarkets", "LatSimSettlement"], swiftSettings: invariants),
        .target(name: "LatSimMarkets", dependencies: ["LatSimCore", "LatSimNetwork"], swiftSettings: invariants),
        .target(name: "LatSimSettlement", dependencies: ["LatSimCore", "LatSimNetwork"], swiftSettings: invariants),
        .target(
            name: "LatSimExperiments",
            dependencies: [
                "LatSimCore", "LatSimNetwork", "LatSimGraph", "LatSimMarkets", "LatSimSettlement", "CFileSystem",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: invariants
        ),
        .target(
            name: "LatSimCLI",
            dependencies: [
                "LatSimCore", "LatSimNetwork", "LatSimMarkets", "LatSimSettlement", "LatSimExperiments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: invariants
        ),
        .executableTarget(name: "latsim", dependencies: ["LatSimCLI"]),
        .testTarget(name: "LatSimCoreTests", dependencies: ["LatSimCore"]),
        // Theory and replication estimates shared by the statistical tests (not a product).
        .target(name: "LatSimTestSupport", dependencies: ["LatSimCore"], path: "Tests/LatSimTestSupport"),
        .testTarget(name: "LatSimNetworkTests", dependencies: ["LatSimCore", "LatSimNetwork", "LatSimTestSupport"]),
        .testTarget(name: "LatSimGraphTests", dependencies: ["LatSimCore", "LatSimNetwork", "LatSimMarkets", "LatSimGraph", "LatSimExperiments",
                                                    "LatSimTestSupport"]),
        .testTarget(name: "LatSimMarketsTests", dependencies: ["LatSimCore", "LatSimNetwork", "LatSimMarkets"]),
        .testTarget(
            name: "LatSimExperimentsTests",
            dependencies: ["LatSimCore", "LatSimNetwork", "LatSimMarkets", "LatSimSettlement", "LatSimExperiments"]
        ),
        .testTarget(name: "LatSimSettlementTests", dependencies: ["LatSimCore", "LatSimSettlement"]),
        .testTarget(name: "LatSimCLITests", dependencies: ["LatSimCLI"], exclude: ["Golden"]),
        // The fuzz harness runs the `latsim` binary as a child process (a crash is a signal, not the
        // runner's death); it needs no latsim module, only Yams to read the seed files.
        .testTarget(name: "LatSimFuzzTests", dependencies: [.product(name: "Yams", package: "Yams")], exclude: ["Regressions"]),
    ]
)
