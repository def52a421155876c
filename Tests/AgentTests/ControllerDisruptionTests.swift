import FakeKubernetes
import FlowTestShared
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Controller: a continuous FlowTest with real agents, and an echo pod killed mid-test", .serialized, .timeLimit(.minutes(3)))
struct ControllerDisruptionTests {
    static let manifest = """
        apiVersion: flowtest.dev/v1alpha1
        kind: FlowTest
        metadata: {name: failover}
        spec:
          duration: 8s
          flows: {protocol: both, pattern: continuous, rate: 50, maxConcurrent: 8, messageInterval: 10ms, responseTimeout: 800ms}
          target: {mode: Pods}
          echo: {replicas: 2}
          reportInterval: 1s
          thresholds: {maxOutage: 6s}
          cleanupPolicy: Always
        """

    /// Pods mode: the generator spreads its 8 flows over both echo pods' own addresses. The
    /// second echo's process is killed (SIGKILL, as the OOM killer does) and its container
    /// restarts in place. The status's timeline shows one interval, on that pod's address only,
    /// with its flows' reconnects; the other pod's flows saw nothing, and the verdict follows
    /// maxOutage.
    @Test func killingOneOfTwoEchoPodsShowsTheOutageOfItsFlowsAndTheirReconnects() async throws {
        let agents = RunningAgents()
        try await ControllerHarness.run(container: { server, _ in try Containers.real(server: server, podAddresses: true, agents: agents) }) { harness in
            _ = try await harness.create(Self.manifest)
            // Every flow is open once the generator has reported all 8 started.
            _ = try await harness.waitFor("failover", timeout: .seconds(60)) { flowTest in
                let report = flowTest.status?.agents?["failover-generator-0"]?.latest
                return (report?.tcp?.flowsStarted ?? 0) + (report?.udp?.flowsStarted ?? 0) == 8
            }
            let victimIP = try #require(harness.store.object(.pods, namespace: "team", name: "failover-echo-1")?["status"]?["podIP"]?.string)
            let killedAt = Int64(Date().timeIntervalSince1970 * 1e9)
            #expect(agents.signal("failover-echo-1", SIGKILL))
            let done = try await harness.waitFor("failover", timeout: .seconds(90)) { $0.status?.phase == .succeeded || $0.status?.phase == .failed }
            let status = try #require(done.status)
            #expect(status.phase == .succeeded, "\(String(describing: status.conditions))")
            let disruption = try #require(status.disruption)
            #expect(disruption.intervals.count == 1, "\(disruption.intervals.map(\.description))")
            let interval = try #require(disruption.intervals.first)
            #expect(!interval.peers.isEmpty && interval.peers.allSatisfy { $0.hasPrefix("\(victimIP):") }, "\(interval.peers) vs \(victimIP)")
            #expect(interval.outages == 4, "2 TCP and 2 UDP flows went to the killed echo")
            // Each of its 2 TCP flows reconnected at least once; more when a SYN reached the dying
            // process's listening socket before the kernel closed it (accepted, then reset).
            #expect(interval.reconnects >= 2 && disruption.connectionsReestablished == disruption.connectionsLost, "\(interval.description), \(disruption.connectionsLost) lost, \(disruption.connectionsReestablished) re-established")
            #expect(interval.longestReconnect ?? 0 > 0)
            #expect(interval.start >= killedAt - 1_000_000_000 && interval.start <= killedAt + 1_000_000_000)
            #expect(interval.end > killedAt && !interval.ongoing)
            #expect(disruption.longestOutageMilliseconds < 6000 && disruption.activeOutages == 0)
            // The echo restarted in place: two processes reported under its pod name.
            #expect(status.agents?["failover-echo-1"]?.incarnations.count == 2)
            #expect(status.agents?["failover-echo-0"]?.incarnations.count == 1)
            // The agent's report carries its own view; the status's is the merge of every generator's.
            let generatorView = try #require(status.agents?["failover-generator-0"]?.latest?.disruption)
            #expect(generatorView.outages == disruption.outages && generatorView.intervals.count == 1)
            // New connections (10/s by default) have their own timeline, through the controller
            // too: TCP and UDP take turns, so each destination is probed every 200 ms or more;
            // any failure is on the killed echo, and established outages never land there.
            let fresh = try #require(status.disruption?.newConnections)
            #expect(fresh.ratePerSecond == 10 && fresh.resolutionMilliseconds >= 200 && disruption.resolutionMilliseconds == 10)
            #expect(fresh.attempts >= 20 && fresh.attempts == generatorView.newConnections?.attempts, "\(fresh.attempts)")
            #expect(fresh.intervals.allSatisfy { $0.peers.allSatisfy { $0.hasPrefix("\(victimIP):") } && $0.reconnects == 0 }, "\(fresh.intervals.map(\.description))")
        }
    }
}
