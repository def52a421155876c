import FlowTestShared
import Foundation
import NIOCore
import Testing
@testable import FlowTestAgent

@Suite("Disruption mode: new connections measured apart from the established flows", .serialized, .timeLimit(.minutes(2)))
struct NewConnectionTests {
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e9) }

    private func generator(_ arguments: [String], environment: [String: String] = [:]) throws -> GeneratorConfiguration {
        try GeneratorConfiguration.resolve(GenerateOptions.parse(arguments), SettingResolver(environment: environment))
    }

    /// A backend that drains: its listener closes (new connections are refused) while the
    /// connections it already accepted keep being echoed, then it listens again. The
    /// new-connection timeline shows the outage, refused; the established one shows none.
    /// Bounds only, no exact timings: the machine may be busy. The listener stays closed until
    /// the generator has seen probes refused (CI once saw none in a fixed second on a loaded
    /// machine), and a probe is stamped when its slot comes, before its connect is made, so a
    /// probe stamped just before the close may be refused after it.
    @Test func aDrainingListenerDisruptsNewConnectionsOnlyAndBothTimelinesSayItApart() async throws {
        let echo = try await ClosableListenerEcho.start()
        let runner = GeneratorRunner(port: echo.port) {
            $0.flowProtocol = .tcp
            $0.pattern = .continuous
            $0.rate = 100
            $0.maxConcurrent = 4
            $0.timeLimit = .seconds(8)
            $0.messageInterval = .milliseconds(10)
            $0.newConnectionRate = 50
            // Generous, so that a busy machine invents no outage of either kind: the listener
            // being closed is the only thing that can fail a probe (refused, at once).
            $0.responseTimeout = .seconds(4)
            $0.stallTimeout = .seconds(4)
        }
        let (service, metrics) = runner.makeService()
        async let ran: Void = service.run()
        // The flows are connected (4 at 100/s) well before the listener closes.
        try await Task.sleep(for: .milliseconds(1500))
        let closeBegan = Self.now()
        try await echo.closeListener()
        // Closed for at least 300 ms, and until three probes were refused (at most 4 s).
        let refusedBefore = Date()
        while Date().timeIntervalSince(refusedBefore) < 4,
            Date().timeIntervalSince(refusedBefore) < 0.3 || (service.statistics.snapshot().disruption?.newConnections?.failures ?? 0) < 3 {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await echo.reopenListener()
        let reopenEnded = Self.now()
        try await ran
        await echo.stop()
        let snapshot = service.statistics.snapshot()

        let disruption = try #require(snapshot.disruption)
        // Established: the 4 long-lived connections were echoed throughout.
        #expect(disruption.outages == 0 && disruption.intervals.isEmpty, "\(disruption.intervals.map(\.description))")
        #expect(disruption.connectionsLost == 0 && disruption.messagesLost == 0)
        #expect(disruption.resolutionMilliseconds == 10, "the message interval")
        #expect(snapshot.total.flowsStarted == 4 && snapshot.total.flowsCompleted == 4 && snapshot.total.flowsFailed == 0)

        let fresh = try #require(disruption.newConnections)
        #expect(fresh.resolutionMilliseconds == 20 && fresh.ratePerSecond == 50, "one target, one port: 1/rate")
        // 8 s at 50/s is 400 slots; a late loop skips some, never adds any.
        #expect(fresh.attempts >= 40 && fresh.attempts <= 401, "\(fresh.attempts)")
        // Refused while nothing listens; a probe that reached the accept queue just as the
        // listener closed is reset (or sees its socket closed) instead.
        #expect(fresh.causes["refused", default: 0] >= 1 && Set(fresh.causes.keys).isSubset(of: ["refused", "reset", "closed"]), "\(fresh.causes)")
        #expect(fresh.failures >= 3 && fresh.failures == fresh.causes.values.reduce(0, +), "\(fresh.causes)")
        #expect(fresh.failures < fresh.attempts, "probes before and after the drain succeeded")
        #expect(fresh.activeOutages == 0 && fresh.intervals.allSatisfy { !$0.ongoing })
        #expect(fresh.intervals.count >= 1 && fresh.intervals.count == Int(fresh.intervalCount))
        // The flows started 1.5 s before the close: an outage stamped long before it was invented.
        let stampedEarly: Int64 = 1_000_000_000
        for interval in fresh.intervals {
            // Only while the listener was closed: from (about) its closing on, until its reopening
            // (the end is the start of the first probe that connected again).
            #expect(interval.start >= closeBegan - stampedEarly && interval.start <= reopenEnded, "\(interval.description)")
            #expect(interval.end <= reopenEnded + 2_000_000_000 && interval.peers == ["127.0.0.1:\(echo.port)"])
        }
        // An outage lasts from its first refused probe to the next one that connected: at least
        // one probe slot (20 ms), and not longer than the listener was closed, plus the stamping slack.
        let closed = Double(reopenEnded - closeBegan) / 1e6
        #expect(fresh.longestOutageMilliseconds >= 19.999, "\(fresh.longestOutageMilliseconds) ms of \(closed) ms closed")
        #expect(fresh.longestOutageMilliseconds <= closed + Double(stampedEarly) / 1e6 + 2000, "\(fresh.longestOutageMilliseconds) ms of \(closed) ms closed")
        #expect(fresh.disruptedSeconds * 1000 >= fresh.longestOutageMilliseconds - 0.001)

        // The same two timelines apart in Prometheus, each with its resolution.
        metrics.publish(snapshot)
        let scraped = PrometheusText(runner.registry.emitToString())
        #expect(scraped.value("flowtest_disruption_resolution_seconds", ["timeline": "new_connections"]) == 0.02)
        #expect(scraped.value("flowtest_disruption_resolution_seconds", ["timeline": "established"]) == 0.01)
        #expect(scraped.value("flowtest_disrupted_seconds", ["timeline": "established"]) == 0)
        #expect(abs((scraped.value("flowtest_disrupted_seconds", ["timeline": "new_connections"]) ?? -1) - fresh.disruptedSeconds) < 1e-9)
        #expect(scraped.value("flowtest_new_connections_attempted_total") == Double(fresh.attempts))
        for (cause, count) in fresh.causes { #expect(scraped.value("flowtest_new_connections_failed_total", ["reason": cause]) == Double(count)) }
        #expect(scraped.value("flowtest_new_connection_outage_duration_seconds_count") == Double(fresh.outages))
    }

    /// Results come back out of order (a refused probe at once, a dropped SYN only at its
    /// deadline); the timeline judges them in the order they started.
    @Test func probesAreJudgedInTheOrderTheyStarted() {
        var timeline = ProbeTimeline(key: 0, peer: "10.0.0.1:8080")
        let at = { (milliseconds: Int64) in NIODeadline.uptimeNanoseconds(UInt64(milliseconds) * 1_000_000) }
        for sequence in 1...4 { timeline.started(UInt64(sequence), at: at(Int64(sequence) * 100)) }
        // 2 and 3 are known before 1: nothing can be said yet.
        #expect(timeline.ended(2, failure: .refused).isEmpty && timeline.ended(3, failure: nil).isEmpty)
        let events = timeline.ended(1, failure: .connectTimeout)
        guard events.count == 2, case .started(let start, let cause) = events[0], case .ended(let open, let end) = events[1] else {
            Issue.record("\(events)")
            return
        }
        #expect(start == at(100) && cause == .connectTimeout, "from the first failed probe")
        #expect(open.start == at(100) && end == at(300), "to the start of the next that succeeded")
        #expect(timeline.open == nil && timeline.ended(4, failure: nil).isEmpty)
    }

    @Test func probesTakeTurnsOverDestinationsAndTheResolutionSaysHowOftenEachIsProbed() {
        var destinations = ProbeDestinations(transports: [.tcp, .udp], tcpPorts: [80, 81], udpPorts: [53], targetCount: 2)
        let turns = (0..<8).map { _ in destinations.next() }.map { "\($0.transport.rawValue) \($0.target % 2):\($0.port)" }
        #expect(turns == ["tcp 0:80", "udp 0:53", "tcp 0:81", "udp 1:53", "tcp 1:80", "udp 0:53", "tcp 1:81", "udp 1:53"])
        // Each TCP destination is probed once in 2 × 2 × 2 probes: at 10/s, every 800 ms.
        #expect(destinations.resolution(rate: 10) == .milliseconds(800))
        #expect(ProbeDestinations(transports: [.tcp], tcpPorts: [80], udpPorts: [], targetCount: 1).resolution(rate: 10) == .milliseconds(100))
    }

    @Test func theRateDefaultsToTenForTheContinuousPatternAndZeroTurnsItOff() throws {
        let continuous = ["--pattern", "continuous", "--time-limit", "1m"]
        #expect(try generator(continuous).newConnectionRate == 10)
        #expect(try generator(continuous + ["--new-connection-rate", "0"]).newConnectionRate == nil)
        #expect(try generator(continuous, environment: ["FLOWTEST_NEW_CONNECTION_RATE": "2.5"]).newConnectionRate == 2.5)
        #expect(try generator(["--pattern", "random"]).newConnectionRate == nil, "no probes outside the continuous pattern")
        #expect(try generator(["--new-connection-rate", "0"]).newConnectionRate == nil)
        let spec = FlowTestSpec(flows: { var flows = FlowsSpec(rate: 10); flows.pattern = .continuous; flows.newConnectionRate = 25; return flows }())
        let arguments = spec.generatorArguments(target: "echo")
        #expect(arguments.firstIndex(of: "--new-connection-rate").map { arguments[$0 + 1] } == "25", "the controller passes the spec's rate on")
    }

    @Test(arguments: [
        (["--pattern", "continuous", "--time-limit", "1m", "--new-connection-rate", "fast"], [:],
         #"invalid value "fast" for --new-connection-rate: expected new connections per second, a number 0...1000 (0 = none)"#),
        (["--pattern", "continuous", "--time-limit", "1m", "--new-connection-rate", "5000"], [:],
         #"invalid value "5000" for --new-connection-rate: expected new connections per second, a number 0...1000 (0 = none)"#),
        (["--pattern", "random", "--new-connection-rate", "10"], [:],
         #"invalid value "10" for --new-connection-rate: expected to be left out (or 0) without --pattern continuous, whose long-lived flows the new connections are measured next to"#),
        (["--pattern", "constant"], ["FLOWTEST_NEW_CONNECTION_RATE": "5"],
         #"invalid value "5" for FLOWTEST_NEW_CONNECTION_RATE: expected to be left out (or 0) without --pattern continuous, whose long-lived flows the new connections are measured next to"#),
    ] as [([String], [String: String], String)])
    func aBadRateNamesTheSettingAndWhatWasExpected(arguments: [String], environment: [String: String], message: String) {
        #expect(throws: ConfigurationError.self) {
            do { _ = try generator(arguments, environment: environment) } catch {
                #expect("\(error)" == message)
                throw error
            }
        }
    }

    /// InfluxDB gets the new connections' timeline as a measurement of its own.
    @Test func influxDBGetsTheNewConnectionsApart() throws {
        var report = AgentReport(startTime: "2026-12-01T13:00:00.000Z", reportTime: "2026-12-01T13:00:10.000Z", finished: true)
        var disruption = DisruptionSummary()
        var fresh = NewConnectionSummary()
        fresh.attempts = 100
        fresh.failures = 7
        fresh.resolutionMilliseconds = 100
        disruption.newConnections = fresh
        report.disruption = disruption
        let points = report.linePoints(ExportIdentity(flowTest: "t", namespace: "n", agent: "g", role: "generator", pattern: "continuous"), time: 0)
        let point = try #require(points.first { $0.measurement == "flowtest_new_connections" })
        let fields = Dictionary(uniqueKeysWithValues: point.fields.map { ($0.key, $0.value) })
        #expect(fields["attempts"] == .integer(100) && fields["failures"] == .integer(7) && fields["resolution_ms"] == .float(100))
        #expect(points.contains { $0.measurement == "flowtest_disruption" }, "the established timeline as before")
    }
}
