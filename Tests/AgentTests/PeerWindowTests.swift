import FlowTestShared
import Foundation
import Logging
import NIOCore
import Testing
@testable import FlowTestAgent

/// Pods mode with many echo pods: each generator dials a window of k of them, and the windows
/// together cover every pod (DESIGN.md, decision 7); the addresses come from a name that
/// resolves to all of them, in one order whatever order the answer had.
@Suite("Pods mode: windows of the echo pods, and every address of a name")
struct PeerWindowTests {
    /// (generators, k, echo pods): covering, barely covering, uneven, and k above the pod count.
    static let coveringCases: [(Int, Int, Int)] = [
        (2, 10, 20), (100, 10, 1000), (3, 1, 3), (7, 3, 20), (1000, 1, 1000), (3, 5, 4), (5, 2, 9), (10, 10, 1000 / 10),
    ]

    @Test(arguments: coveringCases)
    func windowsCoverEveryPodWhenGeneratorsTimesKReachesThePods(_ generators: Int, _ k: Int, _ pods: Int) {
        let ring = Array(0..<pods)
        var dialledBy = [Int](repeating: 0, count: pods)
        for index in 0..<generators {
            let window = PeerWindow(size: k, index: index, count: generators).select(ring)
            // Exactly k, each once, unless there are fewer pods than k: then all of them.
            #expect(window.count == min(k, pods) && Set(window).count == window.count, "generator \(index): \(window)")
            for pod in window { dialledBy[pod] += 1 }
        }
        #expect(dialledBy.allSatisfy { $0 > 0 }, "pods no generator dials: \(dialledBy.indices.filter { dialledBy[$0] == 0 })")
        // Evenly: each pod is dialled by ⌊g·k/N⌋ or ⌈g·k/N⌉ generators (k ≤ N).
        if k <= pods {
            let low = generators * k / pods
            let high = (generators * k + pods - 1) / pods
            #expect(dialledBy.allSatisfy { (low...high).contains($0) }, "\(Set(dialledBy)) outside \(low)...\(high)")
        }
    }

    /// Fewer windows than pods need: the windows do not overlap, so g·k pods are covered, spread
    /// over the ring (2 generators, k = 10, 1,000 pods: 20 pods).
    @Test func tooFewWindowsCoverExactlyGeneratorsTimesKPods() {
        let ring = Array(0..<1000)
        let windows = (0..<2).map { PeerWindow(size: 10, index: $0, count: 2).select(ring) }
        #expect(Set(windows.flatMap { $0 }).count == 20)
        #expect(windows[0] == Array(0..<10) && windows[1] == Array(500..<510))
    }

    /// The window depends on the sorted addresses only, whatever order DNS answered in: every
    /// lookup gives a generator the same pods, and generators agree on the ring.
    @Test func theWindowIsTheSameWhateverOrderTheAddressesCameIn() throws {
        let addresses = try (2...41).map { try SocketAddress(ipAddress: "10.0.\($0 % 3).\($0)", port: 0) }
        var random = SystemRandomNumberGenerator()
        let window = PeerWindow(size: 4, index: 3, count: 10)
        let expected = TargetAddresses.dialled([AddressLookup.sorted(addresses)], window: window)
        for _ in 0..<20 {
            #expect(TargetAddresses.dialled([AddressLookup.sorted(addresses.shuffled(using: &random))], window: window) == expected)
        }
        // And sorted means by address, IPv4 before IPv6, numerically (10.0.0.9 before 10.0.0.30).
        let sorted = AddressLookup.sorted(try ["::1", "10.0.0.30", "10.0.0.9", "10.0.0.9", "9.1.1.1"].map { try SocketAddress(ipAddress: $0, port: 0) })
        #expect(sorted.compactMap(\.ipAddress) == ["9.1.1.1", "10.0.0.9", "10.0.0.30", "::1"])
    }

    /// A target that resolves to nothing keeps a place of its own, so its flows fail with reason
    /// dns instead of quietly going to the other targets; a replaced pod's address replaces the
    /// old one at the next lookup.
    @Test func addressesFollowEachLookup() throws {
        let a = try SocketAddress(ipAddress: "10.0.0.1", port: 0)
        let b = try SocketAddress(ipAddress: "10.0.0.2", port: 0)
        let c = try SocketAddress(ipAddress: "10.0.0.3", port: 0)
        let addresses = TargetAddresses([[a, b], []])
        #expect(addresses.current == [a, b, nil])
        #expect(addresses.update([a, c], at: 0))
        #expect(!addresses.update([a, c], at: 0), "the same answer changes nothing")
        #expect(addresses.current == [a, c, nil])
        #expect(TargetAddresses([[]]).current == [nil])
    }

    @Test func theHostsFileListsEveryAddressOfAName() {
        let text = """
            # the headless Service, as the test's DNS writes it
            127.0.0.3 mesh-pods.team.svc mesh-pods.team.svc.cluster.local
            127.0.0.2\tmesh-pods.team.svc   # a comment
            127.0.0.2 mesh-pods.team.svc
            127.0.0.9 other.team.svc
            """
        #expect(HostsFile.addresses(for: "mesh-pods.team.svc", in: text) == ["127.0.0.3", "127.0.0.2"])
        #expect(HostsFile.addresses(for: "MESH-pods.team.svc.cluster.local.", in: text) == ["127.0.0.3"])
        #expect(HostsFile.addresses(for: "absent.team.svc", in: text).isEmpty)
    }

    /// The production path: getaddrinfo through the system resolver, every address of the name.
    /// `localhost` is the one name every machine resolves; with --every-address each address of
    /// it comes once (not once per socket type), and a name the hosts file lists comes from it.
    @Test func everyAddressOfANameThroughTheSystemResolverAndTheHostsFile() async throws {
        let system = try AddressLookup.all("localhost")
        #expect(!system.isEmpty && Set(system.compactMap(\.ipAddress)).count == system.count, "\(system)")
        #expect(system.contains { $0.ipAddress == "127.0.0.1" })
        let logger = Logger(label: "test")
        let resolved = await TargetResolver(host: "localhost", everyAddress: true).resolve(logger: logger)
        #expect(resolved == system)
        #expect(await TargetResolver(host: "name.invalid", everyAddress: true).resolve(logger: logger).isEmpty)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("peer-window-\(UUID().uuidString).hosts")
        defer { try? FileManager.default.removeItem(at: file) }
        try "127.0.0.7 mesh-pods.team.svc\n127.0.0.5 mesh-pods.team.svc\n".write(to: file, atomically: true, encoding: .utf8)
        let hosts = HostsFile(path: file.path)
        let listed = await TargetResolver(host: "mesh-pods.team.svc", everyAddress: true, hostsFile: hosts).resolve(logger: logger)
        #expect(listed.compactMap(\.ipAddress) == ["127.0.0.5", "127.0.0.7"])
        // Names the file does not list still go to the system resolver.
        #expect(await TargetResolver(host: "localhost", everyAddress: true, hostsFile: hosts).resolve(logger: logger) == system)
    }

    /// The flags the controller gives a generator in Pods mode, and their checks.
    @Test func podsModeFlagsParseAndTheirLimitsAreChecked() throws {
        var spec = FlowTestSpec(flows: FlowsSpec(rate: 10))
        spec.target = TargetSpec(mode: .pods, peersPerGenerator: 10)
        spec.generators.replicas = 100
        let arguments = spec.generatorArguments(target: "mesh-pods.team.svc") + spec.podsModeArguments(generatorIndex: 42)
        let config = try GeneratorConfiguration.resolve(GenerateOptions.parse(arguments), SettingResolver(environment: [:]))
        #expect(config.everyAddress && config.peerWindow == PeerWindow(size: 10, index: 42, count: 100))
        #expect(config.targets == ["mesh-pods.team.svc"])
        spec.target.peersPerGenerator = nil
        #expect(spec.podsModeArguments(generatorIndex: 42) == ["--every-address"])
        #expect(FlowTestSpec(flows: FlowsSpec(rate: 10)).podsModeArguments(generatorIndex: 0).isEmpty, "Service mode: unchanged")
        #expect(throws: ConfigurationError.self) {
            try GeneratorConfiguration.resolve(
                GenerateOptions.parse(["--targets-per-generator", "3", "--generator-index", "4", "--generator-count", "4"]),
                SettingResolver(environment: [:]))
        }
        #expect(throws: ConfigurationError.self) {
            try GeneratorConfiguration.resolve(GenerateOptions.parse(["--hosts-file", "/nonexistent/hosts"]), SettingResolver(environment: [:]))
        }
    }
}
