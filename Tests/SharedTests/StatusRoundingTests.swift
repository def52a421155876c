import FlowTestShared
import Foundation
import Testing

/// `kubectl get flowtests` prints the status's figures as they are stored: they must be short
/// (`P99-MS 1.511`, not `1.510857173507668`), never read better than measured, and the verdict
/// must not change because of them.
@Suite("Status rounding: three decimals, towards the worse side, verdict unchanged")
struct StatusRoundingTests {
    /// One generator whose figures all have long fractions: round trips from bucket midpoints,
    /// 1 failed flow and 7 lost datagrams in 3,000,001, an outage of 1.234567 ms.
    static func agents() -> [String: AgentStatus] {
        var report = AgentReport(startTime: "2026-12-01T09:00:00.000Z", reportTime: "2026-12-01T09:01:00.000Z", finished: true)
        var rtt = LatencyHistogram()
        for nanoseconds in stride(from: UInt64(150_000), to: 1_600_000, by: 7_919) { rtt.record(nanoseconds: nanoseconds) }
        report.rtt = rtt
        var udp = TrafficCounters()
        udp.flowsStarted = 3_000_001
        udp.flowsCompleted = 3_000_000
        udp.recordFailure(.timeout)
        udp.messagesSent = 3_000_001
        udp.udpLost = 7
        report.udp = udp
        report.elapsedSeconds = 60
        report.disruption = DisruptionSummary(
            union: [OutageInterval(start: 1_764_579_600_000_000_000, end: 1_764_579_600_001_234_567, cause: .timeout, peer: "10.0.0.1:8080")], limit: 10)
        return ["t-generator-0": AgentStatus(role: .generator, incarnations: ["0c958154-mi8x2k3a": report])]
    }

    /// Digits after the decimal point of a figure as JSON (and so kubectl) writes it.
    static func decimals(_ value: Double) throws -> Int {
        let text = try #require(String(data: JSONEncoder().encode(value), encoding: .utf8))
        return text.split(separator: ".").dropFirst().first?.count ?? 0
    }

    @Test func theSummaryTheStatusStoresHasAtMostThreeDecimalsRoundedUp() throws {
        let exact = FlowTestSummary(unrounded: Self.agents())
        let stored = FlowTestSummary(agents: Self.agents())
        let figures: [(String, Double?, Double?)] = [
            ("rttP50Milliseconds", exact.rttP50Milliseconds, stored.rttP50Milliseconds),
            ("rttP99Milliseconds", exact.rttP99Milliseconds, stored.rttP99Milliseconds),
            ("udpLossPercent", exact.udpLossPercent, stored.udpLossPercent),
            ("failedFlowsPercent", exact.failedFlowsPercent, stored.failedFlowsPercent),
        ]
        for (name, unrounded, rounded) in figures {
            let unrounded = try #require(unrounded, "\(name)")
            let rounded = try #require(rounded, "\(name)")
            #expect(try Self.decimals(unrounded) > 3, "\(name): the sample must need rounding (\(unrounded))")
            #expect(try Self.decimals(rounded) <= 3, "\(name): \(rounded)")
            #expect(rounded >= unrounded && rounded - unrounded < 0.001, "\(name): \(unrounded) stored as \(rounded)")
        }
        // One failed flow in three million is not zero.
        #expect(stored.failedFlowsPercent == 0.001)
        // Counters are untouched.
        #expect(stored.flowsFailed == 1 && stored.flowsStarted == 3_000_001)
    }

    @Test func theOutageColumnsFigureHasAtMostThreeDecimals() throws {
        let exact = try #require(DisruptionSummary(unrounded: Self.agents()))
        let stored = try #require(DisruptionSummary(agents: Self.agents()))
        #expect(exact.longestOutageMilliseconds == 1.234567)
        #expect(stored.longestOutageMilliseconds == 1.235)
    }

    @Test func theCompletedStatusStoresRoundedFiguresButJudgesExactOnes() throws {
        var spec = FlowTestSpec(flows: FlowsSpec(rate: 10))
        // 1 failed flow in 3,000,001 is 0.0000333 %: under this limit, though the stored figure
        // (0.001) is over it. A limit finer than the stored figures must still judge the truth.
        spec.thresholds = ThresholdsSpec(maxFailedFlowsPercent: 0.0005)
        let status = FlowTestStatus.completed(spec: spec, generation: 1, agents: Self.agents(), startTime: Date(), completionTime: Date())
        #expect(status.phase == .succeeded, "\(status.conditions ?? [])")
        #expect(status.summary?.failedFlowsPercent == 0.001)
        #expect(try Self.decimals(try #require(status.summary?.rttP99Milliseconds)) <= 3)
        #expect(status.disruption?.longestOutageMilliseconds == 1.235)
    }

    /// Limits with three decimals just below, at and above each stored figure: rounding towards
    /// the worse side never changes the verdict, so a report judging the stored status agrees
    /// with the controller (rounding to the nearest would pass a p99 of 1.5804 against 1.580).
    @Test func limitsWithThreeDecimalsGiveTheSameVerdictOnStoredFigures() throws {
        let exact = FlowTestSummary(unrounded: Self.agents())
        let stored = exact.rounded
        let figures: [(String, Double?, (Double) -> ThresholdsSpec)] = [
            ("maxFailedFlowsPercent", stored.failedFlowsPercent, { ThresholdsSpec(maxFailedFlowsPercent: $0) }),
            ("maxRTTP99", stored.rttP99Milliseconds, { ThresholdsSpec(maxRTTP99: String(format: "%.3fms", $0)) }),
            ("maxUDPLossPercent", stored.udpLossPercent, { ThresholdsSpec(maxUDPLossPercent: $0) }),
        ]
        var verdicts: [Bool] = []
        for (threshold, figure, spec) in figures {
            let figure = try #require(figure, "\(threshold)")
            for limit in [figure - 0.001, figure, figure + 0.001].map({ StatusRounding.up($0) }) where limit >= 0 {
                let onExact = ThresholdVerdict(thresholds: spec(limit), summary: exact).passed
                #expect(onExact == ThresholdVerdict(thresholds: spec(limit), summary: stored).passed, "\(threshold) \(limit)")
                verdicts.append(onExact)
            }
        }
        #expect(verdicts.contains(true) && verdicts.contains(false), "the limits must fall on both sides")
        var marked = exact
        marked.markedPercent = 99.99962
        for minimum in [99.999, 100] {
            let thresholds = ThresholdsSpec(minMarkedPercent: minimum)
            #expect(ThresholdVerdict(thresholds: thresholds, summary: marked).passed == ThresholdVerdict(thresholds: thresholds, summary: marked.rounded).passed)
        }
    }

    @Test(arguments: [
        (0.0, 0.0, 0.0), (2.007, 2.007, 2.007), (1.001, 1.001, 1.001), (1.0001, 1.001, 1.0),
        (99.99962, 100.0, 99.999), (1.510857173507668, 1.511, 1.51), (12_345.6789, 12_345.679, 12_345.678),
    ])
    func roundingKeepsFiguresOnTheGridAndMovesOthersOneWay(value: Double, up: Double, down: Double) {
        #expect(StatusRounding.up(value) == up)
        #expect(StatusRounding.down(value) == down)
    }
}
