import FlowTestShared
import Foundation
import Testing

@Suite("Disruption: outage intervals, their union across flows and agents, and the verdict")
struct DisruptionSummaryTests {
    /// 2026-12-01T13:00:00Z, in nanoseconds.
    static let base: Int64 = 1_796_130_000 * 1_000_000_000

    static func outage(_ startMilliseconds: Int64, _ endMilliseconds: Int64, _ cause: FlowFailureReason = .timeout, peer: String = "10.0.0.1:8080") -> OutageInterval {
        OutageInterval(start: base + startMilliseconds * 1_000_000, end: base + endMilliseconds * 1_000_000, cause: cause, peer: peer)
    }

    @Test func overlappingOutagesJoinAndSeparateOnesDoNot() {
        var reconnected = Self.outage(100, 400, .reset, peer: "10.0.0.2:8080")
        reconnected.reconnects = 1
        reconnected.connectAttempts = 3
        reconnected.longestReconnect = 250_000_000
        let joined = OutageInterval.union([Self.outage(900, 950), reconnected, Self.outage(0, 200), Self.outage(400, 500, .refused)])
        #expect(joined.count == 2)
        let first = joined[0]
        #expect(first.start == Self.base && first.end == Self.base + 500_000_000, "touching outages are one disruption")
        #expect(first.outages == 3 && first.longestOutage == 300_000_000)
        #expect(first.causes == [.timeout: 1, .reset: 1, .refused: 1])
        #expect(first.peers == ["10.0.0.1:8080", "10.0.0.2:8080"])
        #expect(first.reconnects == 1 && first.connectAttempts == 3 && first.longestReconnect == 250_000_000)
        #expect(joined[1].duration == 50_000_000 && joined[1].outages == 1)
    }

    @Test func intervalsRoundTripThroughTheStatusToTheMicrosecond() throws {
        var interval = Self.outage(0, 0)
        interval.start = Self.base + 123_456_789
        interval.end = Self.base + 1_612_345_678
        interval.ongoing = true
        let json = try JSONEncoder().encode(interval)
        let object = try JSONDecoder().decode([String: JSONValue].self, from: json)
        #expect(object["start"] == "2026-12-01T13:00:00.123456Z")
        #expect(object["end"] == "2026-12-01T13:00:01.612345Z")
        #expect(object["durationMilliseconds"]?.number == 1488.888889)
        #expect(object["causes"] == .object(["timeout": 1]))
        let decoded = try JSONDecoder().decode(OutageInterval.self, from: json)
        #expect(decoded.start == Self.base + 123_456_000 && decoded.end == Self.base + 1_612_345_000)
        #expect(decoded.ongoing && decoded.causes == [.timeout: 1] && decoded.peers == ["10.0.0.1:8080"])
        // A time that is not RFC 3339 in UTC names the field, instead of decoding to nonsense.
        let bad = Data(#"{"start": "yesterday", "end": "2026-12-01T13:00:01Z", "durationMilliseconds": 1, "outages": 1}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(OutageInterval.self, from: bad) }
        #expect(OutageInterval.nanoseconds(fromTimeText: "2026-12-01T13:00:00.5Z") == Self.base + 500_000_000)
        #expect(OutageInterval.nanoseconds(fromTimeText: "2026-12-01T13:00:00.1234567891Z") == nil)
    }

    @Test func agentsMergeIntoOneTimelineAndKeepOnlyTheLongestIntervals() {
        var first = DisruptionSummary(union: [Self.outage(0, 300), Self.outage(1000, 1010)], limit: 100)
        first.connectionsLost = 2
        first.messagesLost = 40
        var second = DisruptionSummary(union: [Self.outage(200, 600, .refused), Self.outage(5000, 5100)], limit: 100)
        second.connectionsLost = 1
        second.connectionsReestablished = 1
        let merged = DisruptionSummary.merging([first, second], limit: 2)!
        // 0–600 (two agents' outages joined), 1000–1010 and 5000–5100: the shortest is left out
        // of the list but still counted.
        #expect(merged.intervalCount == 3)
        #expect(merged.intervals.map(\.duration) == [600_000_000, 100_000_000])
        #expect(abs(merged.disruptedSeconds - 0.71) < 1e-9, "\(merged.disruptedSeconds)")
        #expect(merged.outages == 4 && merged.longestOutageMilliseconds == 400)
        #expect(merged.connectionsLost == 3 && merged.connectionsReestablished == 1 && merged.messagesLost == 40)
        #expect(merged.intervals[0].causes == [.timeout: 1, .refused: 1])
        // What an agent left out cannot be joined, so its time is added as it is.
        let truncated = DisruptionSummary(union: [Self.outage(0, 300), Self.outage(1000, 1010)], limit: 1)
        let again = DisruptionSummary.merging([truncated])!
        #expect(again.intervalCount == 2 && abs(again.disruptedSeconds - 0.31) < 1e-9)
        #expect(DisruptionSummary.merging([]) == nil)
    }

    @Test func theVerdictFollowsMaxOutageAndMaxDisruptedSeconds() {
        let disruption = DisruptionSummary(union: [Self.outage(0, 700), Self.outage(2000, 2500)], limit: 20)
        let summary = FlowTestSummary()
        let passes = ThresholdVerdict(thresholds: ThresholdsSpec(maxOutage: "700ms", maxDisruptedSeconds: 1.2), summary: summary, disruption: disruption)
        #expect(passes.passed, "\(passes.misses)")
        let fails = ThresholdVerdict(thresholds: ThresholdsSpec(maxOutage: "500ms", maxDisruptedSeconds: 1), summary: summary, disruption: disruption)
        #expect(fails.misses.map(\.reason) == ["OutageAboveThreshold", "DisruptionAboveThreshold"])
        #expect(fails.misses[0].message == "longest outage 700 ms (2 outages in 2 intervals); spec.thresholds.maxOutage is 500ms")
        #expect(fails.misses[1].message == "flows were disrupted for 1.20 s; spec.thresholds.maxDisruptedSeconds is 1")
        let unmeasured = ThresholdVerdict(thresholds: ThresholdsSpec(maxOutage: "1s"), summary: summary, disruption: nil)
        #expect(unmeasured.misses.map(\.reason) == ["NoDisruptionMeasured"])
    }

    @Test func theStatusMergesEveryGeneratorIncarnation() throws {
        func report(_ outages: [OutageInterval]) -> AgentReport {
            var report = AgentReport(startTime: "2026-12-01T13:00:00.000Z", reportTime: "2026-12-01T13:00:10.000Z", finished: true)
            report.disruption = DisruptionSummary(union: OutageInterval.union(outages), limit: 100)
            return report
        }
        let agents = [
            "t-generator-0": AgentStatus(role: .generator, incarnations: ["a": report([Self.outage(0, 100)]), "b": report([Self.outage(5000, 5200)])]),
            "t-generator-1": AgentStatus(role: .generator, incarnations: ["c": report([Self.outage(50, 150, .reset)])]),
            "t-echo-0": AgentStatus(role: .echo, incarnations: ["d": AgentReport(startTime: "2026-12-01T13:00:00.000Z", reportTime: "2026-12-01T13:00:10.000Z", finished: true)]),
        ]
        var spec = FlowTestSpec(flows: FlowsSpec(rate: 10))
        spec.flows.pattern = .continuous
        spec.thresholds = ThresholdsSpec(maxOutage: "150ms")
        let status = FlowTestStatus.completed(spec: spec, generation: 1, agents: agents, startTime: Date(), completionTime: Date())
        let disruption = try #require(status.disruption)
        #expect(disruption.intervals.map(\.outages) == [2, 1])
        #expect(disruption.intervals[0].duration == 150_000_000 && disruption.outages == 3)
        #expect(status.phase == .failed)
        #expect(status.conditions?.first { $0.type == "Failed" }?.reason == "OutageAboveThreshold")
        #expect(DisruptionSummary(agents: ["t-echo-0": agents["t-echo-0"]!]) == nil)
    }

    /// Two generators' new-connection timelines join with each other, never with the
    /// established flows' timeline, and every agent's figures count; through the status too.
    @Test func newConnectionTimelinesMergeAcrossAgentsApartFromTheEstablishedOne() throws {
        func report(established: [OutageInterval], fresh: [OutageInterval], attempts: Int64, causes: [String: Int64], resolution: Double) -> AgentReport {
            var report = AgentReport(startTime: "2026-12-01T13:00:00.000Z", reportTime: "2026-12-01T13:00:10.000Z", finished: true)
            var disruption = DisruptionSummary(union: OutageInterval.union(established), limit: 100)
            disruption.resolutionMilliseconds = 10
            var newConnections = NewConnectionSummary(union: OutageInterval.union(fresh), limit: NewConnectionSummary.maximumAgentIntervalLimit)
            newConnections.ratePerSecond = 10
            newConnections.resolutionMilliseconds = resolution
            newConnections.attempts = attempts
            newConnections.failures = causes.values.reduce(0, +)
            newConnections.causes = causes
            disruption.newConnections = newConnections
            report.disruption = disruption
            return report
        }
        let agents = [
            "t-generator-0": AgentStatus(role: .generator, incarnations: [
                "a": report(established: [], fresh: [Self.outage(0, 1000, .refused)], attempts: 100, causes: ["refused": 10], resolution: 100)
            ]),
            "t-generator-1": AgentStatus(role: .generator, incarnations: [
                "b": report(
                    established: [Self.outage(500, 700, .reset)], fresh: [Self.outage(800, 1331, .refused, peer: "10.0.0.2:8080"), Self.outage(4000, 4100, .timeout)],
                    attempts: 90, causes: ["refused": 5, "timeout": 1], resolution: 200)
            ]),
        ]
        let merged = try #require(DisruptionSummary(agents: agents))
        // Established: generator 1's one outage, untouched by the new connections' overlapping ones.
        #expect(merged.intervals.map(\.duration) == [200_000_000] && merged.outages == 1 && merged.resolutionMilliseconds == 10)
        let fresh = try #require(merged.newConnections)
        #expect(fresh.intervals.map { [$0.start - Self.base, $0.end - Self.base] } == [[0, 1_331_000_000], [4_000_000_000, 4_100_000_000]])
        #expect(fresh.intervals[0].outages == 2 && fresh.intervals[0].peers == ["10.0.0.1:8080", "10.0.0.2:8080"])
        #expect(abs(fresh.disruptedSeconds - 1.431) < 1e-9 && fresh.longestOutageMilliseconds == 1000)
        #expect(fresh.outages == 3 && fresh.intervalCount == 2)
        #expect(fresh.attempts == 190 && fresh.failures == 16 && fresh.causes == ["refused": 15, "timeout": 1])
        #expect(fresh.resolutionMilliseconds == 200 && fresh.ratePerSecond == 10, "the coarsest resolution bounds what the joined timeline can miss")
        // In the status as JSON, next to the established figures, whose meaning is unchanged.
        let object = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(merged))
        #expect(object["newConnections"]?["resolutionMilliseconds"]?.number == 200)
        #expect(object["disruptedSeconds"]?.number == 0.2)
        #expect(try JSONDecoder().decode(DisruptionSummary.self, from: JSONEncoder().encode(merged)) == merged)
        // An agent that probed none leaves the timeline out; none at all: no timeline.
        var plain = DisruptionSummary()
        plain.outages = 1
        #expect(DisruptionSummary.merging([plain])?.newConnections == nil)
        #expect(DisruptionSummary.merging([plain, merged])?.newConnections?.attempts == 190)
        // Each agent's share of the status bounds the intervals it reports: 100 generators 1 each.
        let limits = [100, 50, 10, 1].map { NewConnectionSummary.agentIntervalLimit(timelineBytes: TimeSeries.byteLimit(generators: $0)) }
        #expect(limits == [1, 2, 10, 10], "\(limits)")
    }
}
