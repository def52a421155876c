import FakeKubernetes
import FlowTestShared
import Foundation
import Logging
import Testing
@testable import FlowTestController

@Suite("Controller: FlowTests from creation to verdict, against the fake API server", .serialized, .timeLimit(.minutes(3)))
struct ControllerLifecycleTests {
    static let quick = """
        apiVersion: flowtest.dev/v1alpha1
        kind: FlowTest
        metadata: {name: quick}
        spec:
          duration: 2s
          flows: {rate: 20, maxConcurrent: 5, pattern: constant, messageInterval: 20ms}
          generators: {replicas: 2}
          reportInterval: 1s
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
            // Each agent wrote its own final report before the verdict; the summary merges them.
            let agents = status.agents ?? [:]
            let generators = agents.filter { $0.value.role == .generator }
            #expect(Set(generators.keys) == ["quick-generator-0", "quick-generator-1"])
            #expect(agents.values.allSatisfy { $0.latest?.finished == true }, "\(agents)")
            #expect(agents["quick-echo-0"]?.role == .echo)
            let reportsComplete = status.conditions?.first { $0.type == "ReportsComplete" }
            #expect(reportsComplete?.status == "True" && reportsComplete?.reason == "AllAgentsReported", "\(String(describing: reportsComplete))")
            let summary = try #require(status.summary)
            let started = generators.values.compactMap(\.latest).map { Int64(($0.tcp?.flowsStarted ?? 0) + ($0.udp?.flowsStarted ?? 0)) }
            #expect(summary.flowsStarted == started.reduce(0, +))
            #expect(summary.flowsStarted == 80, "2 generators × 20 flows/s × 2 s")
            // Every TCP flow reached the echo, and the terminal status says so without arithmetic.
            let echoTotals = try #require(summary.echo)
            #expect(summary.tcpFlowsStarted == 40 && echoTotals.tcpConnectionsAccepted == summary.tcpFlowsStarted, "\(summary)")
            #expect(echoTotals.udpDatagramsReceived == summary.udpDatagramsSent, "\(summary)")
            #expect(summary.agentsReported == 3 && summary.agentIncarnations == 3)
            #expect(summary.rttP99Milliseconds ?? 0 > 0)
            #expect(status.startTime != nil && status.completionTime != nil && status.observedGeneration == 1)
            // OnSuccess cleanup removed the agents; the agents' access stays for the next test.
            try await Self.waitUntil { harness.pods("quick").isEmpty && harness.store.object(.services, namespace: "team", name: "quick-echo") == nil }
            #expect(harness.store.object(.serviceAccounts, namespace: "team", name: "flowtest-agent") != nil)
            #expect(harness.store.object(.roles, namespace: "team", name: "flowtest-agent-status")?["rules"]?.array?.first?["resources"] == ["flowtests/status"])
            #expect(harness.store.object(.roleBindings, namespace: "team", name: "flowtest-agent-status") != nil)
            try await Self.waitUntil { harness.events().contains("GeneratorsStarted") && harness.events().contains("ThresholdsMet") }
            // A healthy test shows no warnings: no probe failed (the fake kubelet probes as the
            // kubelet does), and the controller recorded none.
            let warnings = harness.store.objects(.events, namespace: "team").filter { $0["type"]?.string == "Warning" }
            #expect(warnings.isEmpty, "\(warnings.map { "\($0["reason"]?.string ?? ""): \($0["note"]?.string ?? "")" })")
            // The controller's own metrics counted the work.
            let metrics = PrometheusText(harness.registry.emitToString())
            #expect(try #require(metrics.value("flowtest_controller_reconciles_total", ["result": "success"])) >= 3)
            #expect(try #require(metrics.value("flowtest_controller_watch_restarts_total", ["kind": "relisted"])) >= 2, "FlowTests and pods listed")
            #expect(metrics.value("flowtest_controller_reconcile_duration_seconds_count") ?? 0 > 0)
            #expect(metrics.value("flowtest_controller_flowtests_finished_total", ["phase": "Succeeded"]) == 1)
            #expect(metrics.value("flowtest_controller_flowtests_finished_total", ["phase": "Failed"]) == 0)
            // The agents asked only for what the Role the controller gave them allows.
            let agentRole = try #require(harness.store.object(.roles, namespace: "team", name: "flowtest-agent-status")?["rules"])
            let agentRequests = harness.store.requests.filter { ![ControllerHarness.controllerToken, ControllerHarness.userToken, "kubelet"].map { "Bearer \($0)" }.contains($0.authorization) }
            #expect(agentRequests.contains { $0.verb == "patch" && $0.resource == "flowtests/status" })
            let denied = try ChartRBAC(rules: JSONDecoder().decode([ChartRBAC.Rule].self, from: JSONEncoder().encode(agentRole))).forbidden(agentRequests)
            #expect(denied.isEmpty, "the agents' Role does not allow: \(denied.sorted())")
        }
    }

    /// What the README's quick start tells users to run, with the real kubectl: `kubectl wait` gates on the
    /// verdict while the test runs, and `kubectl get` shows the CRD's columns with the outcome.
    @Test func kubectlWaitGatesOnTheVerdictAndKubectlGetShowsIt() async throws {
        try await ControllerHarness.run(container: { server, _ in try Containers.real(server: server) }) { harness in
            let kubectl = try Kubectl(server: harness.server, token: ControllerHarness.userToken, namespace: "team")
            defer { kubectl.remove() }
            _ = try await harness.create(Self.quick)
            let waiting = try kubectl.start(["wait", "--for=condition=Succeeded", "flowtest/quick", "--timeout=60s"])
            let early = try await kubectl.run(["get", "flowtests"])
            #expect(early.code == 0, "\(early.err)")
            #expect(early.out.split(separator: "\n").first?.split(separator: " ") == ["NAME", "PHASE", "PROTOCOL", "RATE", "COMPLETED", "FAILED", "P99-MS", "OUTAGE-MS", "AGE"])
            let waited = await waiting.finish()
            #expect(waited.code == 0, "\(waited.err)")
            #expect(waited.out.contains("flowtest.flowtest.dev/quick condition met"))
            let done = try await harness.waitFor("quick", timeout: .seconds(5)) { $0.status?.phase == .succeeded }
            let summary = try #require(done.status?.summary)

            let wide = try await kubectl.run(["get", "ft", "-o", "wide"])
            #expect(wide.code == 0, "\(wide.err)")
            let lines = wide.out.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(lines.first == ["NAME", "PHASE", "PROTOCOL", "RATE", "COMPLETED", "FAILED", "P99-MS", "OUTAGE-MS", "LOSS-%", "PATTERN", "AGE"])
            let row = try #require(lines.dropFirst().first)
            #expect(Array(row.prefix(6)) == ["quick", "Succeeded", "both", "20", String(summary.flowsCompleted), "0"], "\(wide.out)")
            let p99 = try #require(summary.rttP99Milliseconds)
            #expect(Double(row[6]).map { abs($0 - p99) < 1e-9 } == true, "\(wide.out)")
            // What people read is short: the stored figure has three decimals at most (a bucket
            // midpoint such as 1.510857173507668 is stored rounded up, as 1.511).
            #expect(row[6].split(separator: ".").dropFirst().first.map { $0.count <= 3 } ?? true, "P99-MS \(row[6])")
            #expect(row[7].split(separator: ".").dropFirst().first.map { $0.count <= 3 } ?? true, "LOSS-% \(row[7])")
            // Outside the continuous pattern the outage column is blank: one value fewer than headers.
            #expect(row.count == 10 && row[8] == "constant", "\(wide.out)")

            let phase = try await kubectl.run(["wait", "--for=jsonpath={.status.phase}=Succeeded", "flowtests/quick", "--timeout=5s"])
            #expect(phase.code == 0, "\(phase.err)")
            // A verdict that never comes: kubectl wait times out and fails, so CI stops there.
            let never = try await kubectl.run(["wait", "--for=condition=Succeeded=False", "flowtest/quick", "--timeout=1s"])
            #expect(never.code != 0)
            #expect(never.err.contains("timed out"), "\(never.err)")
            let missing = try await kubectl.run(["get", "flowtest", "nope"])
            #expect(missing.code == 1)
            #expect(missing.err.contains(#"flowtests.flowtest.dev "nope" not found"#), "\(missing.err)")
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

@Suite("Controller: failures, replacement, deletion, conflicts, watch loss", .serialized, .timeLimit(.minutes(3)))
struct ControllerBehaviourTests {
    static func manifest(_ name: String, thresholds: String = "{minFlowsCompleted: 1}", cleanup: String = "OnSuccess", duration: String = "1s") -> String {
        """
        apiVersion: flowtest.dev/v1alpha1
        kind: FlowTest
        metadata: {name: \(name)}
        spec:
          duration: \(duration)
          flows: {rate: 10}
          generators: {replicas: 2}
          thresholds: \(thresholds)
          cleanupPolicy: \(cleanup)
        """
    }

    @Test func aMissedThresholdFailsAndSaysWhichKeepingPodsForInspection() async throws {
        try await ControllerHarness.run(container: { _, client in Containers.simulated(client: client) }) { harness in
            _ = try await harness.create(Self.manifest("strict", thresholds: "{minFlowsCompleted: 1000}"))
            let done = try await harness.waitFor("strict") { $0.status?.phase == .failed }
            let failed = try #require(done.status?.conditions?.first { $0.type == "Failed" })
            #expect(failed.status == "True" && failed.reason == "TooFewFlowsCompleted")
            #expect(failed.message == "20 flows completed; spec.thresholds.minFlowsCompleted is 1000")
            #expect(done.status?.conditions?.first { $0.type == "Succeeded" }?.status == "False")
            // OnSuccess keeps a failed test's generator pods for `kubectl logs`; the echo pod was
            // stopped when the generators ended, so that its final report is in the verdict.
            #expect(harness.pods("strict").map { $0["metadata"]?["name"]?.string } == ["strict-generator-0", "strict-generator-1"])
            #expect(done.status?.summary?.echo?.tcpConnectionsAccepted == 20)
            #expect(done.status?.conditions?.first { $0.type == "ReportsComplete" }?.status == "True")
            try await ControllerLifecycleTests.waitUntil { harness.events().contains("TooFewFlowsCompleted") }
            // Counted once, for the FlowTestFailed alert, however often the test is reconciled after.
            let metrics = PrometheusText(harness.registry.emitToString())
            #expect(metrics.value("flowtest_controller_flowtests_finished_total", ["phase": "Failed"]) == 1)
            #expect(metrics.value("flowtest_controller_flowtests_finished_total", ["phase": "Succeeded"]) == 0)
        }
    }

    @Test func aFailedGeneratorPodIsCountedNotRetried() async throws {
        try await ControllerHarness.run(container: { _, client in Containers.simulated(client: client, failing: ["crashy-generator-1"]) }) { harness in
            _ = try await harness.create(Self.manifest("crashy", cleanup: "Always"))
            let done = try await harness.waitFor("crashy") { $0.status?.phase == .failed }
            let failed = try #require(done.status?.conditions?.first { $0.type == "Failed" })
            #expect(failed.reason == "GeneratorFailed")
            #expect(failed.message == "1 of 2 generator pods failed: crashy-generator-1")
            // Cleanup Always removes them even after a failure; nothing was recreated.
            try await ControllerLifecycleTests.waitUntil { harness.pods("crashy").isEmpty }
        }
    }

    @Test func anEchoPodThatDiesIsReplaced() async throws {
        try await ControllerHarness.run(container: { _, _ in Containers.idle }) { harness in
            _ = try await harness.create(Self.manifest("steady", duration: "10m"))
            _ = try await harness.waitFor("steady") { $0.status?.phase == .running }
            let original = try #require(harness.store.object(.pods, namespace: "team", name: "steady-echo-0")?["metadata"]?["uid"])
            harness.store.setPodStatus(namespace: "team", name: "steady-echo-0", .object(["phase": "Failed"]))
            try await ControllerLifecycleTests.waitUntil {
                let pod = harness.store.object(.pods, namespace: "team", name: "steady-echo-0")
                return pod != nil && pod?["metadata"]?["uid"] != original
            }
            try await ControllerLifecycleTests.waitUntil { harness.events().contains("EchoPodReplaced") }
            #expect(try await harness.flowTest("steady").status?.phase == .running)
        }
    }

    @Test func deletingAFlowTestRemovesEverythingItCreated() async throws {
        try await ControllerHarness.run(container: { _, _ in Containers.idle }) { harness in
            _ = try await harness.create(Self.manifest("short-lived", duration: "10m"))
            _ = try await harness.waitFor("short-lived") { $0.status?.phase == .running }
            #expect(harness.pods("short-lived").count == 3)
            #expect(harness.store.object(.services, namespace: "team", name: "short-lived-echo") != nil)
            try await harness.client.delete(.flowTests, namespace: "team", name: "short-lived")
            // Owner references: the garbage collector takes the children with it.
            #expect(harness.pods("short-lived").isEmpty)
            #expect(harness.store.object(.services, namespace: "team", name: "short-lived-echo") == nil)
        }
    }

    @Test func aConflictOnTheStatusUpdateIsRetried() async throws {
        try await ControllerHarness.run(container: { _, client in Containers.simulated(client: client) }) { harness in
            harness.store.injectFailures(2, status: 409, method: "PATCH")
            _ = try await harness.create(Self.manifest("contended"))
            let done = try await harness.waitFor("contended") { $0.status?.phase == .succeeded }
            #expect(done.status?.summary?.flowsCompleted == 20)
        }
    }

    @Test func aCutWatchAnd410DoNotLoseAFlowTest() async throws {
        try await ControllerHarness.run(container: { _, client in Containers.simulated(client: client) }) { harness in
            _ = try await harness.create(Self.manifest("first"))
            _ = try await harness.waitFor("first") { $0.status?.phase == .succeeded }
            // History is compacted and every watch cut: the controller must relist.
            harness.store.compact()
            harness.store.dropWatches()
            _ = try await harness.create(Self.manifest("second"))
            let second = try await harness.waitFor("second") { $0.status?.phase == .succeeded }
            #expect(second.status?.summary?.flowsStarted == 20)
        }
    }

    @Test func aSpecTheSchemaRejectsEndsFailedWithItsFieldPath() async throws {
        try await ControllerHarness.run(container: { _, client in Containers.simulated(client: client) }) { harness in
            // As if stored under an older CRD that did not check the rate.
            harness.store.insertUnchecked(.flowTests, namespace: "team", .object([
                "apiVersion": "flowtest.dev/v1alpha1", "kind": "FlowTest", "metadata": .object(["name": "legacy"]),
                "spec": .object(["flows": .object(["rate": 0])]),
            ]))
            // The stored object lacks the defaults a typed FlowTest needs: read it as JSON.
            let stored = { harness.store.object(.flowTests, namespace: "team", name: "legacy") }
            try await ControllerLifecycleTests.waitUntil { stored()?["status"]?["phase"]?.string == "Failed" }
            let accepted = try #require(stored()?["status"]?["conditions"]?.array?.first { $0["type"]?.string == "Accepted" })
            #expect(accepted["status"]?.string == "False" && accepted["reason"]?.string == "InvalidSpec")
            #expect(accepted["message"]?.string?.contains("spec.flows.rate: Invalid value: 0") == true, "\(accepted)")
            #expect(harness.pods("legacy").isEmpty)
        }
    }
}
