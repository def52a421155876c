import FlowTestShared
import Foundation
import Testing

/// What `kubectl get flowtest,flowtestreports -o yaml` shows must stay readable and far below
/// the apiserver's limit (etcd's 1.5 MiB request) with 100 agents, what is compact must still
/// merge exactly, and the FlowTest's own status stays within 64 KiB with 2,000 agents.
@Suite("Status layout: compact, exact, small with 100 agents, bounded with 2,000")
struct StatusLayoutTests {
    /// The bytes of a test with this status and its agents' reports, as a List of the FlowTest
    /// and one FlowTestReport per agent (the reports are no longer in the status itself).
    static func listBytes(_ status: FlowTestStatus) throws -> Int {
        var flowTest = FlowTest(metadata: ObjectMeta(name: "big", namespace: "team"), spec: FlowTestSpec(flows: FlowsSpec(rate: 1)))
        flowTest.status = status
        return try JSONEncoder().encode(flowTest.reportList()).count
    }

    /// A listener that has seen a lot.
    static func busyListener(port: Int) -> EchoListenerStatistics {
        let huge: UInt64 = 1 << 40
        let many: UInt64 = 1 << 30
        return EchoListenerStatistics(
            protocol: port % 2 == 0 ? .tcp : .udp, port: 8000 + port, connectionsAccepted: 12_345, connectionsActive: 0,
            connectionsRefused: 0, connectionsTimedOut: 0, bytesReceived: huge, bytesSent: huge, datagramsReceived: many, datagramsSent: many)
    }

    /// 1,000 generators, each with a traffic mix of eight patterns, full outage timelines and a
    /// full time series, and 1,000 echo pods: the status the controller writes holds none of
    /// their reports, only what is bounded whatever their number (DESIGN.md, decision 3).
    @Test func twoThousandAgentsLeaveTheStatusWithin64KiB() throws {
        var agents: [String: AgentStatus] = [:]
        // One busy report, its counters varied per generator: a full time series takes a while
        // to build, and the status holds none of it anyway.
        var busy = Self.busyGenerator(seed: 7)
        busy.timeline = Self.busyTimeline(seed: 7, byteLimit: TimeSeries.textLimit)
        let coarse = (busy.rtt ?? LatencyHistogram()).coarsened(toWidth: PatternFigures.bucketWidth)
        busy.patterns = Dictionary(uniqueKeysWithValues: (0..<8).map { slot in
            var flows = busy.tcp ?? TrafficCounters()
            flows.recordFailure(.refused)
            return ("pattern-\(slot)", PatternFigures(flows: flows, rtt: coarse))
        })
        for index in 0..<1000 {
            var report = busy
            report.tcp?.flowsStarted += UInt64(index)
            report.disruption = Self.fullDisruption(index: index)
            agents["big-generator-\(index)"] = AgentStatus(role: .generator, incarnations: ["0c958154-mi8x2k0": report])
            var echo = AgentReport(startTime: "2026-12-01T09:00:00.000Z", reportTime: "2026-12-01T09:10:00.000Z", finished: true)
            echo.listeners = (0..<8).map { port in Self.busyListener(port: port) }
            agents["big-echo-\(index)"] = AgentStatus(role: .echo, incarnations: ["1d958154-mi8x2k0": echo])
        }
        var status = FlowTestStatus.completed(
            spec: FlowTestSpec(flows: FlowsSpec(rate: 1)), generation: 1, agents: agents, startTime: Date(timeIntervalSince1970: 1_796_130_000),
            completionTime: Date(timeIntervalSince1970: 1_796_130_600))
        status.replacedPods = (0..<ReplacedPod.limit).map {
            ReplacedPod(name: "big-echo-\($0)", uidPrefix: "1d958154", cause: String(repeating: "ended, phase Failed: exit 137 OOMKilled ", count: 10), time: "2026-12-01T09:05:00Z")
        }
        let bytes = try JSONEncoder().encode(status).count
        #expect(bytes <= 64 * 1024, "\(bytes) bytes of status for 2,000 agents")
        #expect(status.reportCounts == AgentReportCounts(expected: 2000, reporting: 2000, finished: 2000, missing: 0))
        #expect(status.summary?.flowsStarted == agents.values.compactMap { $0.latest?.tcp?.flowsStarted }.reduce(0) { $0 + Int64($1) })
    }

    /// A generator report with a wide spread of round trips: about 600 non-empty buckets.
    static func busyGenerator(seed: UInt64) -> AgentReport {
        var report = AgentReport(startTime: "2026-12-01T09:00:00.000Z", reportTime: "2026-12-01T09:10:00.000Z", finished: true)
        var rtt = LatencyHistogram()
        var value = 20_000.0 + Double(seed)
        while value < 3_000_000_000 {
            rtt.record(nanoseconds: UInt64(value), count: 1 + seed % 7)
            value *= 1.021
        }
        report.rtt = rtt
        var tcp = TrafficCounters()
        tcp.flowsStarted = 1_000_000 + seed
        tcp.flowsCompleted = 999_000
        tcp.recordFailure(.timeout)
        tcp.bytesSent = 123_456_789_012
        report.tcp = tcp
        report.udp = TrafficCounters()
        report.elapsedSeconds = 600
        return report
    }

    /// 100 busy continuous generators, every tenth restarted once, with full outage timelines
    /// and, given a byte limit, full time series; and the bytes those series take.
    static func continuousGenerators(timelineBytes byteLimit: Int?) -> (FlowTestStatus, Int) {
        var agents: [String: AgentStatus] = [:]
        var timelineBytes = 0
        for index in 0..<100 {
            var agent = AgentStatus(role: .generator)
            for incarnation in 0..<(index % 10 == 0 ? 2 : 1) {
                var report = Self.busyGenerator(seed: UInt64(index * 10 + incarnation))
                report.disruption = Self.fullDisruption(index: index)
                if let byteLimit {
                    report.timeline = Self.busyTimeline(seed: UInt64(index * 10 + incarnation), byteLimit: byteLimit)
                    timelineBytes += (try? JSONEncoder().encode(report.timeline).count) ?? 0
                }
                agent.incarnations["0c958154-mi8x2k\(incarnation)"] = report
            }
            agents["big-generator-\(index)"] = agent
        }
        var status = FlowTestStatus()
        status.agents = agents
        status.summary = FlowTestSummary(agents: agents)
        status.disruption = DisruptionSummary(agents: agents)
        return (status, timelineBytes)
    }

    /// A generator's longest intervals, each hitting many echo pods, with reconnects and several causes.
    static func fullDisruption(index: Int) -> DisruptionSummary {
        let base: Int64 = 1_796_130_000 * 1_000_000_000
        let intervals = (0..<DisruptionSummary.agentIntervalLimit * 3).map { number -> OutageInterval in
            let start = base + Int64(number) * 7_123_456_789 + Int64(index) * 1_000_003
            var interval = OutageInterval(start: start, end: start + 1_234_567_891, cause: .refused, peer: "10.244.\(number % 250).17:8080")
            for peer in 0..<OutageInterval.peerLimit {
                interval.absorb(OutageInterval(start: start, end: start + 1_000_000, cause: [.reset, .closed, .timeout][peer % 3], peer: "10.244.\(peer).123:8443"))
            }
            interval.reconnects = 1234
            interval.connectAttempts = 56789
            interval.longestReconnect = 987_654_321
            return interval
        }
        var disruption = DisruptionSummary(union: intervals, limit: DisruptionSummary.agentIntervalLimit)
        disruption.resolutionMilliseconds = 10
        // The new connections' timeline beside it, as full: its own longest intervals, each hitting
        // as many echo pods
        // (probes do not reconnect, so their intervals carry no reconnect figures).
        let probed = intervals.map { interval in
            var probed = interval
            probed.reconnects = 0
            probed.connectAttempts = 0
            probed.longestReconnect = nil
            return probed
        }
        var newConnections = NewConnectionSummary(union: probed, limit: NewConnectionSummary.agentIntervalLimit(timelineBytes: TimeSeries.byteLimit(generators: 100)))
        newConnections.ratePerSecond = 10
        newConnections.resolutionMilliseconds = 100
        newConnections.attempts = 123_456
        newConnections.failures = 1234
        newConnections.causes = ["refused": 1000, "timeout": 200, "reset": 34]
        disruption.newConnections = newConnections
        return disruption
    }

    @Test func aHundredAgentsWithRestartsFitFarBelowTheAPIServersLimit() throws {
        var status = FlowTestStatus()
        var agents: [String: AgentStatus] = [:]
        for index in 0..<100 {
            // Every tenth agent restarted once: two incarnations.
            let incarnations = index % 10 == 0 ? 2 : 1
            var agent = AgentStatus(role: .generator)
            for incarnation in 0..<incarnations {
                agent.incarnations["0c958154-mi8x2k\(incarnation)"] = Self.busyGenerator(seed: UInt64(index * 10 + incarnation))
            }
            agents["big-generator-\(index)"] = agent
        }
        status.agents = agents
        status.summary = FlowTestSummary(agents: agents)
        let bytes = try Self.listBytes(status)
        #expect(bytes < 1_048_576, "\(bytes) bytes for 110 reports")
        #expect(status.summary?.agentIncarnations == 110)
    }

    /// The continuous pattern's worst case on top: every generator reports its longest intervals,
    /// each hitting many echo pods, with reconnects and several causes.
    @Test func aHundredContinuousGeneratorsWithFullTimelinesStillFit() throws {
        let (status, _) = Self.continuousGenerators(timelineBytes: nil)
        let bytes = try Self.listBytes(status)
        #expect(bytes < 1_048_576, "\(bytes) bytes for 110 reports with timelines")
        // The agents' intervals overlap in time, so they join: one interval per event.
        #expect(status.disruption?.intervals.count == DisruptionSummary.agentIntervalLimit)
    }

    /// Ten minutes of a busy generator's time series within `byteLimit`: every field in use
    /// with large figures, round trips spread over eight octaves.
    static func busyTimeline(seed: UInt64, byteLimit: Int) -> TimeSeries {
        var series = TimeSeries(startMilliseconds: 1_796_130_000_000)
        for step in Int64(1)...600 {
            var sample = TimeSeriesSample()
            sample.flowsStarted = 12_345 + seed
            sample.flowsCompleted = 12_001
            sample.flowsFailed = 123
            sample.activeFlows = 45_678
            sample.bytes = 9_876_543_210 + seed
            sample.udpDatagramsSent = 1_234_567
            sample.udpLost = 1_234
            sample.udpJitterMicrosecondsSum = 98_765_432
            sample.udpJitterFlows = 6_172
            for bucket in 0..<16 { sample.rtt.record(nanoseconds: UInt64(50_000 * pow(2, Double(bucket) / 2)), count: 100_000 + seed * 7 + UInt64(bucket)) }
            series.record(sample, at: 1_796_130_000_000 + step * 1000, byteLimit: byteLimit)
        }
        return series
    }

    /// The worst case of all: 100 continuous generators (ten restarted), each with full outage
    /// intervals (the established timeline's ten, the new connections' one) and a full time
    /// series in the bytes the controller gives it (1,861 for 100 generators: 200 KiB over 110
    /// reports). Measured: 1,005 KB in all (1,048 KB with two new-connection intervals each,
    /// too close to the limit), 168 KB of it time series
    /// (1.5 KB a report); the merged series has 6 steps of 128 s: coarse, as the price of 100
    /// generators. Two generators get 16 KiB each: about 80 busy samples.
    @Test func aHundredGeneratorsWithTimelinesAndOutagesFitTheBudget() throws {
        let (status, timelineBytes) = Self.continuousGenerators(timelineBytes: TimeSeries.byteLimit(generators: 100))
        let agents = status.agents ?? [:]
        let bytes = try Self.listBytes(status)
        #expect(timelineBytes <= TimeSeries.statusBudget + 110 * 200, "\(timelineBytes) bytes of time series (\(timelineBytes / 110) per report)")
        #expect(bytes < 1_048_576, "\(bytes) bytes for 110 reports with timelines and outages (\(timelineBytes) in time series)")
        // Coarse, but still a plot: a few steps of a ten-minute run.
        let merged = try #require(TimeSeries(agents: agents))
        #expect(merged.samples.count >= 4, "\(merged.samples.count) samples of \(merged.stepMilliseconds) ms")
    }

    /// A traffic mix at its largest, eight patterns, on 100 busy generators with full time
    /// series: each pattern's round trips span 20 µs to 3 s, every one with failures, and the
    /// status still fits, because a pattern's buckets are eight times as wide.
    @Test func aHundredGeneratorsWithEightPatternsAndTimelinesFit() throws {
        let (base, _) = Self.continuousGenerators(timelineBytes: TimeSeries.byteLimit(generators: 100))
        var agents = base.agents ?? [:]
        for (name, agent) in agents {
            var agent = agent
            for (incarnation, report) in agent.incarnations {
                var report = report
                report.disruption = nil
                let fine = report.rtt ?? LatencyHistogram()
                report.patterns = Dictionary(uniqueKeysWithValues: (0..<8).map { slot in
                    var flows = report.tcp ?? TrafficCounters()
                    flows.recordFailure(.refused)
                    return ("pattern-\(slot)", PatternFigures(flows: flows, rtt: fine.coarsened(toWidth: PatternFigures.bucketWidth)))
                })
                agent.incarnations[incarnation] = report
            }
            agents[name] = agent
        }
        var status = FlowTestStatus()
        status.agents = agents
        status.summary = FlowTestSummary(agents: agents)
        let bytes = try Self.listBytes(status)
        #expect(bytes < 1_048_576, "\(bytes) bytes for 110 reports of 8 patterns each, with timelines")
        let pattern = try #require(status.summary?.patterns?["pattern-3"])
        #expect(pattern.flowsStarted == status.summary?.flowsStarted)
        // Within half a coarse bucket (about 8 %) of the fine histogram's percentile.
        let fine = try #require(status.summary?.rttP99Milliseconds)
        #expect(abs(try #require(pattern.rttP99Milliseconds) / fine - 1) < 0.09)
    }

    /// A coarse histogram comes back exactly, width and all, and merges with a fine one at its width.
    @Test func coarseHistogramsRoundTripAndMerge() throws {
        let fine = Self.busyGenerator(seed: 5).rtt!
        let coarse = fine.coarsened(toWidth: 8)
        #expect(coarse.buckets.count < fine.buckets.count / 7)
        let decoded = try JSONDecoder().decode(LatencyHistogram.self, from: JSONEncoder().encode(coarse))
        #expect(decoded == coarse && decoded.bucketWidth == 8)
        var merged = fine
        merged.merge(coarse)
        #expect(merged.bucketWidth == 8 && merged.count == 2 * fine.count)
        #expect(merged == { var doubled = coarse; doubled.merge(coarse); return doubled }())
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(LatencyHistogram.self, from: Data(#"{"count": 1, "maxNanoseconds": 1, "buckets": "1:1", "bucketWidth": 0}"#.utf8))
        }
    }

    @Test func theBudgetIsSharedByTheGenerators() {
        #expect(TimeSeries.byteLimit(generators: 1) == TimeSeries.textLimit)
        #expect(TimeSeries.byteLimit(generators: 100) == 200 * 1024 / 110)
        #expect(TimeSeries.byteLimit(generators: 100_000) == TimeSeries.minimumByteLimit)
    }

    @Test func histogramsTravelAsOneLineAndComeBackExactly() throws {
        let report = Self.busyGenerator(seed: 3)
        let json = try JSONValue(encoding: report)
        let text = try #require(json["rtt"]?["buckets"]?.string)
        #expect(!text.contains(" ") && !text.contains("\n"), "one plain scalar: one YAML line")
        #expect(json["rtt"]?["p99Milliseconds"]?.number != nil, "a person reads the percentiles, not the buckets")
        let decoded = try JSONDecoder().decode(AgentReport.self, from: JSONEncoder().encode(report))
        #expect(decoded == report)
        #expect(decoded.rtt?.percentileMilliseconds(99) == report.rtt?.percentileMilliseconds(99))
    }

    @Test(arguments: ["812:x", "1,2", "5:1,5:2", ":3", "-1:4", "7:1,,2"])
    func malformedBucketsAreRejectedNamingTheField(text: String) {
        let json = #"{"count": 1, "maxNanoseconds": 1, "buckets": "\#(text)"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LatencyHistogram.self, from: Data(json.utf8)) }
    }

    /// TCP counters carry no UDP fields and UDP listeners no connection fields.
    @Test func countersCarryOnlyTheFieldsOfTheirProtocol() throws {
        var tcp = TrafficCounters()
        tcp.flowsStarted = 3
        let encoded = try JSONValue(encoding: tcp)
        guard case .object(let members) = encoded else { Issue.record("not an object"); return }
        #expect(members.keys.filter { $0.hasPrefix("udp") || $0 == "failures" || $0 == "tcpRetransmits" }.isEmpty, "\(members.keys.sorted())")
        let listener = EchoListenerStatistics(
            protocol: .udp, port: 53, connectionsAccepted: 0, connectionsActive: 0, connectionsRefused: 0, connectionsTimedOut: 0,
            bytesReceived: 10, bytesSent: 10, datagramsReceived: 1, datagramsSent: 1)
        guard case .object(let fields) = try JSONValue(encoding: listener) else { Issue.record("not an object"); return }
        #expect(fields.keys.filter { $0.hasPrefix("connections") }.isEmpty, "\(fields.keys.sorted())")
        #expect(try JSONDecoder().decode(EchoListenerStatistics.self, from: JSONEncoder().encode(listener)) == listener)
    }

    /// An agent entry is another process's bytes: one that does not decode is left out and named,
    /// and the rest of the status (the phase above all) still reads.
    @Test func anUnreadableAgentEntryDoesNotMakeTheStatusUnreadable() throws {
        let good = try JSONValue(encoding: AgentStatus(role: .echo, incarnations: ["a-1": Self.busyGenerator(seed: 1)]))
        let status: JSONValue = .object([
            "phase": "Running",
            "agents": .object(["good-echo-0": good, "old-generator-0": .object(["role": "generator", "reportTime": "2026-11-21T00:00:00Z", "finished": true])]),
        ])
        let (decoded, unreadable) = FlowTestStatus.lenient(status)
        #expect(decoded?.phase == .running)
        #expect(decoded?.agents?.keys.sorted() == ["good-echo-0"])
        #expect(unreadable == ["old-generator-0"])
    }
}
