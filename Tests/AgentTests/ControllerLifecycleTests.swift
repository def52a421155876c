import FakeKubernetes
import FlowTestShared
import Foundation
import Logging
import Testing
@testable import FlowTestController

@Suite("Controller: FlowTests from creation to verdict, against the fake API server", .serialized)
struct ControllerLifecycleTests {
    static let quick = """
        apiVersion: flowtest.dev/v1alpha1
        kind: FlowTest
        metadata: {name: quick}
        spec:
          duration: 2s
          flows: {rate: 20, maxConcurrent: 5, pattern: constant, messageInterval: 20ms}
          generators: {replicas: 2}
          reportInterval: 500ms
          thresholds: {maxFailedFlowsPercent: 1, minFlowsCompleted: 10}
        """

    @Test func realAgentsRunATestToSucceeded() async throws {
        try await ControllerHarness.run(container: { server, _ in try Containers.real(server: server) }) { harness in
            _ = try await harness.create(Self.quick)
            let done = try await harness.waitFor("quick", timeout: .seconds(60)) { $0.status?.phase == .succeeded || $0.status?.phase == .failed }
            let status = try #require(done.status)
            #expect(status.phase == .succeeded, "\(String(describing: status.conditions))")
            #expect(status.conditions?.first { $0.type == "Succeeded" }?.status == "True")
            #expect(status.conditions?.first { $0.type == "EchoReady" }?.status == "True")
            // Each generator wrote its own final report; the summary merges them.
            let generators = (status.agents ?? [:]).filter { $0.value.role == .generator }
            #expect(Set(generators.keys) == ["quick-generator-0", "quick-generator-1"])
            #expect(generators.values.allSatisfy { $0.finished })
            let summary = try #require(status.summary)
            #expect(summary.flowsStarted == generators.values.compactMap { report in
                Int64((report.tcp?.flowsStarted ?? 0) + (report.udp?.flowsStarted ?? 0))
            }.reduce(0, +))
            #expect(summary.flowsStarted == 80, "2 generators × 20 flows/s × 2 s")
            #expect(summary.rttP99Milliseconds ?? 0 > 0)
            #expect(status.startTime != nil && status.completionTime != nil && status.observedGeneration == 1)
            // OnSuccess cleanup removed the agents; the agents' access stays for the next test.
            try await Self.waitUntil { harness.pods("quick").isEmpty }
            #expect(harness.store.object(.services, namespace: "team", name: "quick-echo") == nil)
            #expect(harness.store.object(.serviceAccounts, namespace: "team", name: "flowtest-agent") != nil)
            #expect(harness.store.object(.roles, namespace: "team", name: "flowtest-agent-status")?["rules"]?.array?.first?["resources"] == ["flowtests/status"])
            #expect(harness.store.object(.roleBindings, namespace: "team", name: "flowtest-agent-status") != nil)
            #expect(harness.events().contains("GeneratorsStarted") && harness.events().contains("ThresholdsMet"))
        }
    }

    static func waitUntil(timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw HarnessTimeout(description: "condition never held") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
