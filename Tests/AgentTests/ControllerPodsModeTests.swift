import FakeKubernetes
import FlowTestShared
import Foundation
import Testing
@testable import FlowTestController

/// Pods mode (DESIGN.md, decision 7): generators learn the echo pods through a headless Service
/// and look it up again, so no argument grows with the number of echo pods and a replaced pod's
/// new address is found.
@Suite("Controller: Pods mode through a headless Service", .serialized, .timeLimit(.minutes(3)))
struct ControllerPodsModeTests {
    static func manifest(_ name: String, echoes: Int, generators: Int, peers: Int? = nil) -> String {
        """
        apiVersion: flowtest.dev/v1alpha1
        kind: FlowTest
        metadata: {name: \(name)}
        spec:
          duration: 10m
          flows: {rate: 10}
          target: {mode: Pods\(peers.map { ", peersPerGenerator: \($0)" } ?? "")}
          echo: {replicas: \(echoes)}
          generators: {replicas: \(generators)}
        """
    }

    static func arguments(_ harness: ControllerHarness, _ pod: String) -> [String] {
        harness.store.object(.pods, namespace: "team", name: pod)?["spec"]?["containers"]?.array?.first?["args"]?.array?.compactMap(\.string) ?? []
    }

    /// 2 echo pods or 50: the generators' arguments are the same length (the names of the two
    /// tests are too), and name the headless Service, which the controller created next to the
    /// echo Service and which answers with every ready echo pod.
    @Test func generatorArgumentsDoNotGrowWithTheEchoPods() async throws {
        try await ControllerHarness.run(container: { _, _ in Containers.idle }) { harness in
            for (name, echoes) in [("meshsm", 2), ("meshlg", 50)] {
                _ = try await harness.create(Self.manifest(name, echoes: echoes, generators: 3))
                _ = try await harness.waitFor(name, timeout: .seconds(60)) { $0.status?.phase == .running }
            }
            let small = (0..<3).map { Self.arguments(harness, "meshsm-generator-\($0)") }
            let large = (0..<3).map { Self.arguments(harness, "meshlg-generator-\($0)") }
            for (few, many) in zip(small, large) {
                #expect(!few.isEmpty && few.count == many.count, "\(few) vs \(many)")
                // The deadline's timestamp has a fixed width, and so has every other value here.
                #expect(few.joined(separator: " ").utf8.count == many.joined(separator: " ").utf8.count, "\(few) vs \(many)")
            }
            for arguments in large {
                #expect(arguments.firstIndex(of: "--target").map { arguments[$0 + 1] } == "meshlg-pods.team.svc")
                #expect(arguments.contains("--every-address") && !arguments.contains("--targets-per-generator"))
            }
            // The headless Service: no cluster IP, only ready pods, the echo pods' selector, owned.
            let service = try #require(harness.store.object(.services, namespace: "team", name: "meshlg-pods"))
            let spec = try #require(service["spec"])
            #expect(spec["clusterIP"] == "None" && spec["clusterIPs"] == ["None"] && spec["publishNotReadyAddresses"] == false)
            #expect(spec["selector"] == .object(["flowtest.dev/name": "meshlg", "flowtest.dev/role": "echo"]))
            #expect(service["metadata"]?["ownerReferences"]?.array?.first?["kind"] == "FlowTest")
            #expect(harness.store.object(.services, namespace: "team", name: "meshlg-echo")?["spec"]?["clusterIP"]?.string != "None")
            // What the test's DNS answers for it: the 50 echo pods' addresses, each once.
            let echoIPs = Set((0..<50).compactMap { harness.store.object(.pods, namespace: "team", name: "meshlg-echo-\($0)")?["status"]?["podIP"]?.string })
            #expect(echoIPs.count == 50)
            let records = FakeClusterDNS(store: harness.store).records().split(separator: "\n").filter { $0.contains(" meshlg-pods.team.svc ") }
            #expect(Set(records.map { String($0.split(separator: " ")[0]) }) == echoIPs && records.count == 50)
            let running = try await harness.flowTest("meshlg").status?.conditions?.first { $0.type == "Running" }
            #expect(running?.message.contains("against meshlg-pods.team.svc") == true, "\(String(describing: running))")
        }
    }

    /// With target.peersPerGenerator, generator i is told its place among the generators, and
    /// the window's size: three flags whatever the number of echo pods.
    @Test func peersPerGeneratorGivesEachGeneratorItsPlace() async throws {
        try await ControllerHarness.run(container: { _, _ in Containers.idle }) { harness in
            _ = try await harness.create(Self.manifest("ring", echoes: 12, generators: 3, peers: 4))
            _ = try await harness.waitFor("ring", timeout: .seconds(60)) { $0.status?.phase == .running }
            for index in 0..<3 {
                let arguments = Self.arguments(harness, "ring-generator-\(index)")
                let value = { (flag: String) in arguments.firstIndex(of: flag).map { arguments[$0 + 1] } }
                #expect(value("--targets-per-generator") == "4" && value("--generator-count") == "3" && value("--generator-index") == String(index))
                #expect(value("--target") == "ring-pods.team.svc" && arguments.contains("--every-address"))
            }
        }
    }

    /// Real agents, each echo pod on its own loopback address. An echo pod deleted mid-test comes
    /// back (the controller re-creates it) at a new address; the running generator, which was
    /// never told any address, learns it at its next lookup of the headless Service, and flows
    /// reach the new pod: its own echo process accepts them.
    @Test func aReplacedEchoPodsNewAddressIsLearnedByTheRunningGenerator() async throws {
        try await ControllerHarness.run(container: { server, _ in try Containers.real(server: server, podAddresses: true) }) { harness in
            _ = try await harness.create("""
                apiVersion: flowtest.dev/v1alpha1
                kind: FlowTest
                metadata: {name: moved}
                spec:
                  duration: 25s
                  flows: {protocol: tcp, pattern: constant, rate: 20, maxConcurrent: 4, connectTimeout: 1s}
                  target: {mode: Pods}
                  echo: {replicas: 2}
                  reportInterval: 1s
                  cleanupPolicy: Always
                """)
            let accepted = { (flowTest: FlowTest, pod: String, uid: String) -> UInt64 in
                let incarnations = flowTest.status?.agents?[pod]?.incarnations ?? [:]
                return incarnations.filter { $0.key.hasPrefix(String(uid.prefix(8))) }.values
                    .flatMap { $0.listeners ?? [] }.map(\.connectionsAccepted).reduce(0, +)
            }
            let pod = { harness.store.object(.pods, namespace: "team", name: "moved-echo-1") }
            _ = try await harness.waitFor("moved", timeout: .seconds(60)) { $0.status?.phase == .running }
            let firstUID = try #require(harness.store.object(.pods, namespace: "team", name: "moved-echo-0")?["metadata"]?["uid"]?.string)
            let oldUID = try #require(pod()?["metadata"]?["uid"]?.string)
            let oldIP = try #require(pod()?["status"]?["podIP"]?.string)
            // Both echo pods take flows before the replacement.
            _ = try await harness.waitFor("moved", timeout: .seconds(60)) { accepted($0, "moved-echo-1", oldUID) > 0 && accepted($0, "moved-echo-0", firstUID) > 0 }
            try await harness.client.delete(.pods, namespace: "team", name: "moved-echo-1")
            try await ControllerLifecycleTests.waitUntil(timeout: .seconds(20)) {
                let uid = pod()?["metadata"]?["uid"]?.string
                return uid != nil && uid != oldUID && pod()?["status"]?["podIP"]?.string != nil
            }
            let newUID = try #require(pod()?["metadata"]?["uid"]?.string)
            let newIP = try #require(pod()?["status"]?["podIP"]?.string)
            #expect(newIP != oldIP, "the fake kubelet gives a new pod a new address, as a cluster does")
            #expect(!Self.arguments(harness, "moved-generator-0").contains(newIP) && !Self.arguments(harness, "moved-generator-0").contains(oldIP))
            // Within a lookup interval (5 s) and a report interval, the new pod's echo has taken flows.
            let reached = try await harness.waitFor("moved", timeout: .seconds(20)) { accepted($0, "moved-echo-1", newUID) > 0 }
            #expect(reached.status?.phase == .running, "the generator was still running: it learned the address itself")
            let generator = try #require(reached.status?.agents?["moved-generator-0"])
            #expect(generator.incarnations.count == 1, "one generator process throughout")
            _ = try await harness.waitFor("moved", timeout: .seconds(90)) { $0.status?.phase == .succeeded || $0.status?.phase == .failed }
        }
    }
}

