import FakeKubernetes
import FlowTestShared
import Foundation
import Synchronization
import Testing
@testable import FlowTestController

/// Every replacement of an echo pod is an event and a record, whatever its cause, and an
/// incarnation that never sent its final report is named in ReportsComplete (a real cluster's
/// `kubectl delete pod --force` left no event, and the test still said AllAgentsReported).
@Suite("Echo pods deleted mid-test", .serialized, .timeLimit(.minutes(2)))
struct EchoReplacementTests {
    /// Opens once; waiters give up after a bound.
    final class Gate: Sendable {
        private let state = Mutex(false)
        func open() { state.withLock { $0 = true } }
        func wait(atMost limit: Duration) async {
            let deadline = ContinuousClock.now + limit
            while !state.withLock({ $0 }), ContinuousClock.now < deadline { await Containers.blockingPause(.milliseconds(50)) }
        }
    }

    /// Echo pods report at once (unfinished), and finish on deletion, except the first pod of
    /// each name, which is force-deleted: its token refused, its final report never lands.
    /// Generators report once `release` opens, then exit.
    static func container(client: KubernetesClient, release: Gate) -> FakeKubelet.Container {
        let firstPods = Mutex<[String: String]>([:])
        return { pod in
            let flowTest = pod.name.components(separatedBy: "-\(pod.role)-").first ?? ""
            let incarnation = "\(pod.uid.prefix(8))-\(String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36))"
            let start = FlowTestStatus.preciseTimestamp(Date())
            if pod.role == "echo" {
                let forced = firstPods.withLock { first in
                    if first[pod.name] == nil { first[pod.name] = pod.uid }
                    return first[pod.name] == pod.uid
                }
                await write(AgentReport(startTime: start, reportTime: start, finished: false), incarnation, pod, flowTest, client)
                while !Task.isCancelled { await Containers.blockingPause(.milliseconds(50)) }
                if !forced {
                    await write(AgentReport(startTime: start, reportTime: FlowTestStatus.preciseTimestamp(Date()), finished: true), incarnation, pod, flowTest, client)
                }
                return true
            }
            await release.wait(atMost: .seconds(60))
            var report = AgentReport(startTime: start, reportTime: FlowTestStatus.preciseTimestamp(Date()), finished: true)
            var counters = TrafficCounters()
            (counters.flowsStarted, counters.flowsCompleted) = (5, 5)
            report.tcp = counters
            await write(report, incarnation, pod, flowTest, client)
            return true
        }
    }

    private static func write(_ report: AgentReport, _ incarnation: String, _ pod: FakeKubelet.Pod, _ flowTest: String, _ client: KubernetesClient) async {
        let entry: JSONValue = .object(["role": .string(pod.role), "incarnations": .object([incarnation: (try? JSONValue(encoding: report)) ?? .null])])
        let patch: JSONValue = .object(["status": .object(["agents": .object([pod.name: entry])])])
        for _ in 0..<100 {
            let written: JSONValue? = try? await client.mergePatch(.flowTests, namespace: pod.namespace, name: flowTest, patch, subresource: "status")
            if written != nil { return }
            await Containers.blockingPause(.milliseconds(100))
        }
    }

    @Test func aDeletedEchoPodIsReplacedWithAnEventAndItsMissingFinalReportIsNamed() async throws {
        let release = Gate()
        try await ControllerHarness.run(container: { _, client in Self.container(client: client, release: release) }) { harness in
            _ = try await harness.create(
                """
                apiVersion: flowtest.dev/v1alpha1
                kind: FlowTest
                metadata: {name: forced}
                spec: {duration: 1s, flows: {rate: 10}, generators: {replicas: 1}, cleanupPolicy: Always}
                """)
            _ = try await harness.waitFor("forced") { $0.status?.phase == .running }
            let first = try await harness.waitFor("forced") { $0.status?.agents?["forced-echo-0"] != nil }
            let firstIncarnation = try #require(first.status?.agents?["forced-echo-0"]?.latestKey)
            let originalUID = try #require(harness.store.object(.pods, namespace: "team", name: "forced-echo-0")?["metadata"]?["uid"]?.string)
            // As `kubectl delete pod --force` does: the object is gone at once.
            try await harness.client.delete(.pods, namespace: "team", name: "forced-echo-0")
            try await ControllerLifecycleTests.waitUntil {
                let uid = harness.store.object(.pods, namespace: "team", name: "forced-echo-0")?["metadata"]?["uid"]?.string
                return uid != nil && uid != originalUID
            }
            try await ControllerLifecycleTests.waitUntil { harness.events().contains("EchoPodReplaced") }
            let replaced = try await harness.waitFor("forced") { $0.status?.replacedPods?.isEmpty == false }
            let record = try #require(replaced.status?.replacedPods?.first)
            #expect(record.name == "forced-echo-0" && record.uidPrefix == String(originalUID.prefix(8)), "\(record)")
            #expect(record.cause.contains("was deleted"), "\(record)")
            // The second pod reports before the generator ends, so both incarnations are in.
            _ = try await harness.waitFor("forced") { ($0.status?.agents?["forced-echo-0"]?.incarnations.count ?? 0) == 2 }
            release.open()
            let done = try await harness.waitFor("forced", timeout: .seconds(90)) { $0.status?.phase == .succeeded || $0.status?.phase == .failed }
            let reports = try #require(done.status?.conditions?.first { $0.type == "ReportsComplete" })
            #expect(reports.status == "False" && reports.reason == "AgentsNotReported", "\(reports)")
            #expect(reports.message.contains("forced-echo-0 incarnation \(firstIncarnation)"), "\(reports.message)")
            #expect(reports.message.contains("was deleted"), "\(reports.message)")
            // Only the forced one is missing: the replacement's final report is in.
            #expect(reports.message.components(separatedBy: "incarnation").count == 2, "\(reports.message)")
        }
    }
}
