import FakeKubernetes
import FlowTestShared
import Foundation
import Testing
@testable import FlowTestController

/// What a real cluster showed: echo pods that never become ready, an apiserver that goes away
/// mid-test with many agents reporting, and the pods the controller writes.
@Suite("Controller: bounded waits, apiserver outages, pod specs", .serialized, .timeLimit(.minutes(3)))
struct ControllerFaultTests {
    @Test func echoPodsThatNeverBecomeReadyEndTheTestWithTheirState() async throws {
        let crashLooping: FakeKubelet.StuckStatus = { pod in
            guard pod.role == "echo" else { return nil }
            return .object([
                "phase": "Running",
                "conditions": [.object(["type": "Ready", "status": "False"]), .object(["type": "PodScheduled", "status": "True"])],
                "containerStatuses": [.object([
                    "name": "agent", "ready": false, "restartCount": 4,
                    "state": .object(["waiting": .object(["reason": "CrashLoopBackOff", "message": "back-off 1m20s restarting failed container=agent"])]),
                    "lastState": .object(["terminated": .object(["exitCode": 1, "reason": "Error", "message": "cannot listen on TCP port 9090: address in use"])]),
                ])],
            ])
        }
        try await ControllerHarness.run(container: { _, _ in Containers.idle }, stuck: crashLooping) { harness in
            _ = try await harness.create("""
                apiVersion: flowtest.dev/v1alpha1
                kind: FlowTest
                metadata: {name: stuck}
                spec:
                  flows: {rate: 10}
                  echo: {readyTimeout: 2s}
                """)
            let done = try await harness.waitFor("stuck", timeout: .seconds(30)) { $0.status?.phase == .failed }
            let failed = try #require(done.status?.conditions?.first { $0.type == "Failed" })
            #expect(failed.reason == "EchoNotReady")
            #expect(failed.message.contains("0/1 echo pods ready after spec.echo.readyTimeout (2s)"), "\(failed.message)")
            #expect(failed.message.contains("stuck-echo-0: phase Running, CrashLoopBackOff: back-off 1m20s"), "\(failed.message)")
            #expect(failed.message.contains("last exit 1 Error: cannot listen on TCP port 9090"), "\(failed.message)")
            #expect(harness.pods("stuck").allSatisfy { $0["metadata"]?["labels"]?["flowtest.dev/role"]?.string == "echo" }, "no generator started")
            try await ControllerLifecycleTests.waitUntil { harness.events().contains("EchoNotReady") }
        }
    }

    /// Twenty generators report while the apiserver is away for a few seconds: watches relist,
    /// reports and status writes retry, and the summary counts every flow exactly once.
    @Test func anAPIServerOutageWithTwentyGeneratorsLosesAndDoublesNothing() async throws {
        try await ControllerHarness.run(container: { _, client in Containers.simulated(client: client, flowsPerGenerator: 7) }) { harness in
            _ = try await harness.create("""
                apiVersion: flowtest.dev/v1alpha1
                kind: FlowTest
                metadata: {name: crowd}
                spec:
                  duration: 1s
                  flows: {rate: 10}
                  generators: {replicas: 20}
                """)
            _ = try await harness.waitFor("crowd") { $0.status?.phase == .running }
            harness.store.stopAnswering()
            try await Task.sleep(for: .seconds(3))
            harness.store.resumeAnswering()
            let done = try await harness.waitFor("crowd", timeout: .seconds(60)) { $0.status?.phase == .succeeded || $0.status?.phase == .failed }
            let status = try #require(done.status)
            #expect(status.phase == .succeeded, "\(String(describing: status.conditions))")
            let summary = try #require(status.summary)
            #expect(summary.flowsStarted == 140 && summary.flowsCompleted == 140, "20 × 7, once each: \(summary)")
            #expect(summary.agentsReported == 21 && summary.agentIncarnations == 21)
            #expect(summary.echo?.tcpConnectionsAccepted == 14)
            #expect(status.conditions?.first { $0.type == "ReportsComplete" }?.status == "True")
        }
    }

    /// The apiserver goes away while the controller is creating the generator pods, and the
    /// controller restarts in the outage (session 9 saw a thousand-generator test whose status was
    /// never written again within 3 minutes after this): once the apiserver is back, the new
    /// controller creates what is missing, and the test runs and ends within bounds.
    @Test func aControllerRestartedWhileCreatingPodsInAnOutageCarriesOn() async throws {
        let generators = 200
        try await ControllerHarness.run(container: { _, client in Containers.simulated(client: client, flowsPerGenerator: 3) }) { harness in
            _ = try await harness.create("""
                apiVersion: flowtest.dev/v1alpha1
                kind: FlowTest
                metadata: {name: restarted}
                spec:
                  duration: 1s
                  flows: {rate: 10}
                  generators: {replicas: \(generators)}
                """)
            // Away right after the 40th generator pod was created: most of them are not.
            try await ControllerLifecycleTests.waitUntil(timeout: .seconds(120)) {
                harness.store.objects(.pods, namespace: "team").count { ($0["metadata"]?["name"]?.string ?? "").contains("-generator-") } >= 40
            }
            harness.store.stopAnswering()
            harness.restartController()
            try await Task.sleep(for: .seconds(2))
            harness.store.resumeAnswering()
            let done = try await harness.waitFor("restarted", timeout: .seconds(240)) { $0.status?.phase == .succeeded || $0.status?.phase == .failed }
            let status = try #require(done.status)
            #expect(status.phase == .succeeded, "\(String(describing: status.conditions))")
            #expect(status.summary?.flowsStarted == Int64(generators * 3), "\(String(describing: status.summary))")
            // Every generator and the echo server finished, each once.
            #expect(status.reportCounts == AgentReportCounts(expected: Int64(generators + 1), reporting: Int64(generators + 1), finished: Int64(generators + 1), missing: 0))
        }
    }

    /// Generators have no probes (nothing waits for them, and a liveness kill lost a busy one's
    /// figures); echo probes start after the agent listens; ports of the spec that collide with
    /// the agents' metrics port move the metrics port, not the echo (it crash-looped on 9090).
    @Test func podsHaveProbesOnlyWhereTheyHelpAndTheirMetricsPortNeverCollides() throws {
        let flowTest = try FlowTest.validated(try JSONValue(yaml: """
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: ports, namespace: team, uid: 0c958154-729f-40f6-a0bd-46f1490d39e2}
            spec:
              flows: {rate: 10}
              ports: {tcp: [9090, 9091], udp: [9092]}
            """)).get()
        let children = ChildObjects(flowTest: flowTest, settings: AgentPodSettings())
        #expect(children.metricsPort == 9093)
        let generator = try #require(children.generatorPod(0, target: "ports-echo.team.svc")["spec"]?["containers"]?.array?.first)
        #expect(generator["livenessProbe"] == nil && generator["readinessProbe"] == nil && generator["startupProbe"] == nil)
        let echo = try #require(children.echoPod(0)["spec"]?["containers"]?.array?.first)
        #expect(echo["readinessProbe"]?["initialDelaySeconds"]?.number ?? 0 >= 1)
        #expect(echo["livenessProbe"]?["failureThreshold"]?.number ?? 0 >= 6)
        #expect(echo["livenessProbe"]?["timeoutSeconds"]?.number ?? 0 >= 5)
        let ports = echo["ports"]?.array?.compactMap { port in port["containerPort"]?.number.map { "\(port["protocol"]?.string ?? "")/\(Int($0))" } } ?? []
        #expect(ports.sorted() == ["TCP/9090", "TCP/9091", "TCP/9093", "UDP/9092"])
        let arguments = echo["args"]?.array?.compactMap(\.string) ?? []
        #expect(arguments.firstIndex(of: "--metrics-port").map { arguments[$0 + 1] } == "9093")
        let environment = echo["env"]?.array?.compactMap { $0["name"]?.string } ?? []
        #expect(environment == ["FLOWTEST_AGENT_NAME", "FLOWTEST_POD_UID", "FLOWTEST_FLOWTEST_UID"], "the report object is owned by the test")
    }

    /// The apiserver goes away the moment the controller stops the echo pod: the echo's final
    /// report retries until it is back, and the verdict waits for it, so the terminal status
    /// holds the echo's figures (on a real cluster they landed 3 s after the verdict).
    @Test func anEchosFinalReportThatMeetsAnOutageIsInTheTerminalStatus() async throws {
        try await ControllerHarness.run(container: { server, _ in try Containers.real(server: server) }) { harness in
            harness.store.stopAnswering(after: "DELETE", "/api/v1/namespaces/team/pods/quick-echo-0")
            _ = try await harness.create(ControllerLifecycleTests.quick)
            try await ControllerLifecycleTests.waitUntil(timeout: .seconds(60)) { harness.store.heldRequests > 0 }
            try await Task.sleep(for: .seconds(2))
            harness.store.resumeAnswering()
            let done = try await harness.waitFor("quick", timeout: .seconds(60)) { $0.status?.phase == .succeeded || $0.status?.phase == .failed }
            let status = try #require(done.status)
            #expect(status.phase == .succeeded, "\(String(describing: status.conditions))")
            #expect(status.agents?["quick-echo-0"]?.latest?.finished == true)
            #expect(status.conditions?.first { $0.type == "ReportsComplete" }?.reason == "AllAgentsReported")
            let summary = try #require(status.summary)
            #expect(summary.echo?.tcpConnectionsAccepted == summary.tcpFlowsStarted && summary.tcpFlowsStarted > 0, "\(summary)")
        }
    }

    /// A generator killed mid-test (liveness, OOM, eviction) leaves the figures of its last
    /// report in the status and the summary, and the verdict names it.
    @Test func aKilledGeneratorsLastReportStaysInTheStatus() async throws {
        try await ControllerHarness.run(container: { _, client in Containers.simulated(client: client, killed: ["killed-generator-1"]) }) { harness in
            _ = try await harness.create(ControllerBehaviourTests.manifest("killed"))
            let done = try await harness.waitFor("killed") { $0.status?.phase == .failed }
            let status = try #require(done.status)
            #expect(status.conditions?.first { $0.type == "Failed" }?.reason == "GeneratorFailed")
            #expect(status.agents?["killed-generator-1"]?.latest?.finished == false)
            #expect(status.summary?.flowsStarted == 20, "the killed generator's 10 flows still count")
            let reports = try #require(status.conditions?.first { $0.type == "ReportsComplete" })
            #expect(reports.status == "False" && reports.reason == "AgentsNotReported")
            #expect(reports.message.hasPrefix("no final report from: killed-generator-1 (killed-generator-1: phase Failed"), "\(reports.message)")
        }
    }

    /// A name the apiserver accepts for a FlowTest but not for its echo Service (`web.v2-echo`)
    /// would make every reconcile fail forever; it ends the test with the field and the rule.
    @Test func aNameNoChildCanCarryEndsTheTestInsteadOfRetryingForever() async throws {
        try await ControllerHarness.run(container: { _, _ in Containers.idle }) { harness in
            _ = try await harness.create(ControllerBehaviourTests.manifest("web.v2"))
            let done = try await harness.waitFor("web.v2") { $0.status?.phase == .failed }
            let accepted = try #require(done.status?.conditions?.first { $0.type == "Accepted" })
            #expect(accepted.reason == "InvalidSpec")
            #expect(accepted.message.hasPrefix(#"metadata.name: Invalid value: "web.v2": a FlowTest's name must be at most 58"#), "\(accepted.message)")
            #expect(harness.pods("web.v2").isEmpty)
        }
    }

    /// An affinity the CRD passes through unchecked (Kubernetes' own type) but the API server
    /// refuses for the echo pod: the test fails at once, ChildRejected with the server's words,
    /// instead of retrying the create until the echo's ready timeout.
    @Test func aPodTheAPIServerRefusesEndsTheTestWithItsWords() async throws {
        let manifest = """
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: misplaced}
            spec:
              flows: {rate: 10}
              echo:
                placement:
                  affinity:
                    podAntiAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        - labelSelector: {matchLabels: {app: echo}}
            """
        try await ControllerHarness.run(container: { _, _ in Containers.idle }) { harness in
            _ = try await harness.create(manifest)
            let done = try await harness.waitFor("misplaced", timeout: .seconds(30)) { $0.status?.phase == .failed }
            let failed = try #require(done.status?.conditions?.first { $0.type == "Failed" })
            #expect(failed.reason == "ChildRejected")
            #expect(failed.message.contains(#"Pod "misplaced-echo-0" is invalid: spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty"#), "\(failed.message)")
            #expect(harness.pods("misplaced").isEmpty)
            // The event follows the status write: wait for it, bounded.
            let deadline = ContinuousClock.now + .seconds(10)
            while !harness.events().contains("ChildRejected"), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(harness.events().contains("ChildRejected"))
        }
    }

    /// Generators that never end are bounded too: the test fails with Timeout, and the message
    /// says what each unfinished generator's pod is doing.
    @Test func generatorsThatNeverEndFailTheTestWithTimeout() async throws {
        try await ControllerHarness.run(container: { _, _ in Containers.idle }, overrun: .seconds(1)) { harness in
            _ = try await harness.create(ControllerBehaviourTests.manifest("endless"))
            let done = try await harness.waitFor("endless") { $0.status?.phase == .failed }
            let failed = try #require(done.status?.conditions?.first { $0.type == "Failed" })
            #expect(failed.reason == "Timeout")
            #expect(failed.message.hasPrefix("generators still running 1s after spec.duration (1s) ended: endless-generator-0: phase Running"), "\(failed.message)")
            #expect(failed.message.contains("endless-generator-1: phase Running"), "\(failed.message)")
        }
    }
}
