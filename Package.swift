// swift-tools-version:6.1
import PackageDescription

// Dependencies are deliberately few: each one adds minutes to a clean CI build on two cores.
// The HTTP endpoints (/metrics, /healthz, /readyz) are served with NIOHTTP1 from swift-nio
// instead of a web framework, and the Kubernetes client uses URLSession, not async-http-client.
let package = Package(
    name: "flowtest",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "flowtest-agent", targets: ["FlowTestAgent"]),
        .executable(name: "flowtest-controller", targets: ["FlowTestController"]),
        .executable(name: "flowtest-scale-bench", targets: ["FlowTestScaleBench"]),
        .library(name: "FlowTestShared", targets: ["FlowTestShared"]),
        .library(name: "FlowTestProtocols", targets: ["FlowTestProtocols"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "FlowTestShared",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Sources/Shared"
        ),
        // The traffic mix's protocols (HTTP, TLS hellos, DNS, RESP, PostgreSQL): plain Swift over
        // bytes, no dependencies and no event loop, so any data plane can drive them.
        .target(name: "FlowTestProtocols", path: "Sources/Protocols"),
        // Linux's epoll, eventfd and batched datagram calls, which Swift's Glibc module does not
        // declare (recvmmsg/sendmmsg need _GNU_SOURCE; epoll_event is packed): small wrappers.
        .target(name: "CDataPlane", path: "Sources/CDataPlane"),
        // The data plane (issue 26): one epoll loop per core, each owning its sockets outright.
        .target(
            name: "FlowTestDataPlane",
            dependencies: ["CDataPlane", "FlowTestProtocols", "FlowTestShared", .product(name: "NIOCore", package: "swift-nio")],
            path: "Sources/DataPlane"
        ),
        .executableTarget(
            name: "FlowTestAgent",
            dependencies: [
                "FlowTestShared",
                "FlowTestDataPlane",
                "FlowTestProtocols",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Sources/Agent"
        ),
        .executableTarget(
            name: "FlowTestController",
            dependencies: [
                "FlowTestShared",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Controller"
        ),
        .testTarget(
            name: "FlowTestAgentTests",
            dependencies: [
                "FlowTestAgent",
                "FlowTestController",
                "FlowTestShared",
                "FlowTestDataPlane",
                "FlowTestProtocols",
                "FakeKubernetes",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Tests/AgentTests"
        ),
        // The stand-in for kube-apiserver that tests run against (no cluster runs on these machines).
        .target(
            name: "FakeKubernetes",
            dependencies: [
                "FlowTestShared",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/FakeKubernetes"
        ),
        // The scale benchmark (bench/scale.sh): the real controller against the fake API server
        // with N simulated agents. `swift build` and `swift test` build it too (no test needs
        // it): six small files over targets the tests build anyway.
        .executableTarget(
            name: "FlowTestScaleBench",
            dependencies: [
                "FakeKubernetes",
                "FlowTestShared",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "bench/scale",
            exclude: ["generator-report.json"]
        ),
        // The protocols' own tests: a small target of its own, so they build and run in seconds.
        .testTarget(name: "FlowTestProtocolsTests", dependencies: ["FlowTestProtocols"], path: "Tests/ProtocolsTests"),
        .testTarget(
            name: "FlowTestSharedTests",
            dependencies: [
                "FlowTestShared",
                "FakeKubernetes",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Tests/SharedTests"
        ),
    ]
)
