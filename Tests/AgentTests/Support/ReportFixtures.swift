import FakeKubernetes
import FlowTestShared
import Foundation
@testable import FlowTestAgent

/// Statuses for the report's tests: runs recorded from real local runs (Tests/ReportFixtures),
/// and a made-up cluster test with an odd generator, a starved echo pod and hostile names.
enum ReportFixtures {
    /// `flowtest-agent run examples/quickstart.yaml`; a run with half its TCP flows refused and
    /// the echo killed for 1.5 s (2 generators); a continuous run whose echo was killed twice.
    static let recorded = ["quickstart.yaml", "failures.yaml", "outage.json"]

    static func path(_ name: String) -> String {
        RepositoryFile.root.appendingPathComponent("Tests/ReportFixtures/\(name)").path
    }

    static func load(_ name: String) throws -> ReportInput {
        try ReportInput.parse(try Data(contentsOf: URL(fileURLWithPath: path(name))), source: name)
    }

    /// A hostile name: what a hand-edited status could hold in a pod name, a reason or a peer.
    static let hostile = "<script>alert('x')</script>&\"quoted\""

    /// Three generators (one slow, with most of the failures), two echo pods (one starved), a
    /// failure reason and a peer with markup in them, outages, and time series.
    static func cluster() -> (FlowTest, FlowTestStatus) {
        var spec = FlowTestSpec(flows: FlowsSpec(rate: 100))
        spec.thresholds = ThresholdsSpec(maxFailedFlowsPercent: 1, maxRTTP99: "20ms", maxUDPLossPercent: 0.5)
        let flowTest = FlowTest(metadata: ObjectMeta(name: "upgrade-canary", namespace: "net"), spec: spec)
        let start: Int64 = 1_796_130_000_000
        var agents: [String: AgentStatus] = [:]
        for index in 0..<3 {
            let slow = index == 2
            var report = AgentReport(startTime: "2026-12-01T09:00:00.000Z", reportTime: "2026-12-01T09:01:00.000Z", finished: true)
            var tcp = TrafficCounters()
            tcp.flowsStarted = 3000
            tcp.flowsCompleted = slow ? 2400 : 2995
            for _ in 0..<(slow ? 590 : 5) { tcp.recordFailure(.timeout) }
            for _ in 0..<(slow ? 10 : 0) { tcp.failures[hostile, default: 0] += 1; tcp.flowsFailed += 1 }
            tcp.bytesSent = 90_000_000
            tcp.bytesReceived = 90_000_000
            var udp = TrafficCounters()
            udp.flowsStarted = 1000
            udp.flowsCompleted = 1000
            udp.messagesSent = 100_000
            udp.udpLost = slow ? 2000 : 10
            udp.udpJitterSecondsSum = 0.05
            udp.udpJitterFlows = 1000
            report.tcp = tcp
            report.udp = udp
            report.elapsedSeconds = 60
            var rtt = LatencyHistogram()
            rtt.record(nanoseconds: slow ? 40_000_000 : 400_000, count: 10_000)
            rtt.record(nanoseconds: 150_000, count: 90_000)
            report.rtt = rtt
            var series = TimeSeries(startMilliseconds: start - 400)
            for second in Int64(1)...60 {
                var sample = TimeSeriesSample()
                sample.flowsStarted = 66
                sample.flowsCompleted = second < 30 || second > 40 ? 66 : 40
                sample.flowsFailed = second < 30 || second > 40 ? 0 : (slow ? 60 : 1)
                sample.activeFlows = 100
                sample.bytes = 3_000_000
                sample.udpDatagramsSent = 1666
                sample.udpLost = second == 35 ? (slow ? 1500 : 10) : 0
                sample.udpJitterMicrosecondsSum = 800
                sample.udpJitterFlows = 16
                sample.rtt.record(nanoseconds: 150_000, count: 1500)
                sample.rtt.record(nanoseconds: second > 30 && second < 40 ? 80_000_000 : 400_000, count: 160)
                series.record(sample, at: start + second * 1000)
            }
            report.timeline = series
            var interval = OutageInterval(start: (start + 31_000) * 1_000_000, end: (start + 36_500) * 1_000_000, cause: .timeout, peer: "10.0.0.7:8080")
            interval.absorb(OutageInterval(start: (start + 32_000) * 1_000_000, end: (start + 33_000) * 1_000_000, cause: .reset, peer: hostile))
            var disruption = DisruptionSummary(union: [interval], limit: 10)
            disruption.resolutionMilliseconds = 10
            // New connections refused for a second and a half, by the hostile peer too.
            var refused = OutageInterval(start: (start + 30_000) * 1_000_000, end: (start + 31_500) * 1_000_000, cause: .refused, peer: "10.0.0.8:8080")
            refused.absorb(OutageInterval(start: (start + 30_500) * 1_000_000, end: (start + 31_000) * 1_000_000, cause: .refused, peer: hostile))
            var newConnections = NewConnectionSummary(union: [refused], limit: 10)
            newConnections.ratePerSecond = 10
            newConnections.resolutionMilliseconds = 100
            newConnections.attempts = 600
            newConnections.failures = 16
            newConnections.causes = ["refused": 16]
            disruption.newConnections = newConnections
            report.disruption = disruption
            agents["upgrade-canary-generator-\(index)"] = AgentStatus(role: .generator, incarnations: ["a-\(index)": report])
        }
        for (index, bytes) in [(0, UInt64(250_000_000)), (1, UInt64(20_000_000))] {
            var report = AgentReport(startTime: "2026-12-01T09:00:00.000Z", reportTime: "2026-12-01T09:01:00.000Z", finished: true)
            report.listeners = [EchoListenerStatistics(
                protocol: .tcp, port: 8080, connectionsAccepted: 4500, connectionsActive: 0, connectionsRefused: 0, connectionsTimedOut: 0,
                bytesReceived: bytes, bytesSent: bytes, datagramsReceived: 0, datagramsSent: 0)]
            agents["upgrade-canary-echo-\(index)"] = AgentStatus(role: .echo, incarnations: ["e-\(index)": report])
        }
        var status = FlowTestStatus.completed(
            spec: spec, generation: 1, agents: agents, startTime: Date(timeIntervalSince1970: Double(start) / 1000),
            completionTime: Date(timeIntervalSince1970: Double(start) / 1000 + 61))
        status.agents = agents
        return (flowTest, status)
    }
}
