import FlowTestShared
import Foundation
import NIOCore
import Testing
@testable import FlowTestAgent

@Suite("Disruption mode: continuous flows that reconnect and record every outage", .serialized, .timeLimit(.minutes(2)))
struct DisruptionTests {
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e9) }

    /// Two echo servers on one port of two loopback addresses, like two echo pods; one is
    /// stopped for half a second while 8 continuous flows (4 TCP, 4 UDP) run to both. The
    /// outage covers exactly the flows on the stopped one, its TCP flows reconnect, and the
    /// flows on the other see nothing.
    @Test func stoppingOneOfTwoEchoServersShowsTheOutageOfItsFlowsOnly() async throws {
        let steady = try await EchoFixture.start {
            $0.bindAddress = "127.0.0.1"
            $0.udpPorts = []
        }
        let port = steady.tcpPort
        let bind = { (configuration: inout EchoConfiguration) in
            configuration.bindAddress = "127.0.0.2"
            configuration.tcpPorts = [port]
            configuration.udpPorts = [port]
        }
        var stopped = try await EchoFixture.start(bind)
        // The generator sends UDP to the same port number as TCP.
        let steadyBoth = try await EchoFixture.start {
            $0.bindAddress = "127.0.0.1"
            $0.tcpPorts = []
            $0.udpPorts = [port]
        }
        let runner = GeneratorRunner(port: port) {
            $0.targets = ["127.0.0.1", "127.0.0.2"]
            $0.pattern = .continuous
            $0.rate = 100
            $0.maxConcurrent = 8
            $0.timeLimit = .seconds(5)
            $0.messageInterval = .milliseconds(10)
            // Generous, so that a busy machine invents no outage; the start and end times do not
            // depend on it (they are send times), only when an outage is noticed.
            $0.responseTimeout = .milliseconds(800)
        }
        async let report = runner.run()
        try await Task.sleep(for: .milliseconds(1500))
        let stopBegan = Self.now()
        await stopped.stop()
        let stopEnded = Self.now()
        try await Task.sleep(for: .milliseconds(500))
        let restartBegan = Self.now()
        stopped = try await EchoFixture.start(bind)
        let restartEnded = Self.now()
        let result = try await report
        await stopped.stop()
        await steady.stop()
        await steadyBoth.stop()

        let disruption = try #require(result.disruption)
        #expect(disruption.intervals.count == 1, "\(disruption.intervals.map(\.description))")
        let interval = try #require(disruption.intervals.first)
        #expect(interval.peers == ["127.0.0.2:\(port)"], "only the stopped echo's flows")
        #expect(interval.outages == 4, "2 TCP and 2 UDP flows went to 127.0.0.2")
        // TCP saw its connections close; UDP, the port unreachable (or, at worst, silence).
        #expect(Set(interval.causes.keys).isSubset(of: [.closed, .reset, .refused, .timeout, .connectTimeout]), "\(interval.causes)")
        #expect(interval.causes[.closed, default: 0] + interval.causes[.reset, default: 0] >= 1, "\(interval.causes)")
        // At least once each; twice when a reconnect reached the closing listener in between.
        #expect(interval.reconnects >= 2 && disruption.connectionsLost == disruption.connectionsReestablished, "\(interval.description)")
        #expect(interval.connectAttempts >= 2)
        let reconnect = try #require(interval.longestReconnect)
        #expect(reconnect >= restartBegan - stopEnded && reconnect <= restartEnded - stopBegan + 1_000_000_000)
        // An outage starts around the stop (a broken connection counts from when the generator
        // saw it, which a busy machine delays) and ends once the echo is back; a second's slack.
        #expect(interval.start <= stopEnded + 1_000_000_000 && interval.start >= stopBegan - 1_000_000_000)
        #expect(interval.end >= restartBegan && interval.end <= restartEnded + 1_000_000_000)
        #expect(interval.duration >= 500_000_000)
        #expect(!interval.ongoing && disruption.activeOutages == 0)
        #expect(disruption.messagesLost > 0 && disruption.outages == 4)
        // The flows live on: every one completed, none failed.
        #expect(result.total.counters.flowsStarted == 8 && result.total.counters.flowsCompleted == 8 && result.total.counters.flowsFailed == 0)
    }

    @Test func anEchoThatNeverComesBackLeavesOngoingOutagesAndFailedFlows() async throws {
        let echo = try await EchoFixture.start()
        let runner = GeneratorRunner(port: echo.tcpPort) {
            $0.udpPorts = [echo.udpPort]
            $0.pattern = .continuous
            $0.rate = 100
            $0.maxConcurrent = 2
            $0.timeLimit = .seconds(2)
            $0.responseTimeout = .milliseconds(200)
        }
        async let report = runner.run()
        try await Task.sleep(for: .milliseconds(700))
        await echo.stop()
        let result = try await report
        let disruption = try #require(result.disruption)
        #expect(disruption.outages == 2 && disruption.intervals.count == 1)
        #expect(disruption.intervals.first?.ongoing == true, "never ended: the run did")
        #expect(result.total.counters.flowsFailed == 2 && result.total.counters.flowsCompleted == 0)
        #expect(disruption.longestOutageMilliseconds >= 1000, "\(disruption.longestOutageMilliseconds)")
    }

    @Test func theExchangeWindowJudgesInSendOrder() {
        var window = ExchangeWindow(capacity: 2)
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        let timeout = TimeAmount.milliseconds(50)
        for step in 0..<5 { _ = window.sent(at: start + .milliseconds(Int64(step) * 10)) }
        // Grown past its first capacity without losing an entry.
        let echoes = [(1, 5_000_000), (1, 6_000_000), (3, 90_000_000), (9, 1)].map { sequence, roundTrip in
            window.echoed(UInt64(sequence), roundTrip: UInt64(roundTrip), responseTimeout: timeout)
        }
        #expect(echoes == [.inTime, .duplicate, .late, .unknown])
        // 0 is unanswered and not yet due: nothing is judged, not even the answered 1 behind it.
        let early = window.judgeOldest(now: start + .milliseconds(20), responseTimeout: timeout)
        #expect(early == nil)
        let later = start + .milliseconds(55)
        let verdicts = (0..<3).map { _ in window.judgeOldest(now: later, responseTimeout: timeout) }
        #expect(verdicts == [.missed(sentAt: start), .answered(sentAt: start + .milliseconds(10)), nil], "2 is due at 70 ms")
        #expect(window.oldestDeadline(responseTimeout: timeout) == start + .milliseconds(70))
    }

    @Test func anOutageRunsFromTheFirstMissToTheNextAnswer() {
        var tracker = OutageTracker()
        let at = { (milliseconds: Int64) in NIODeadline.uptimeNanoseconds(UInt64(milliseconds) * 1_000_000) }
        let opened = tracker.missed(sentAt: at(100), cause: .timeout)
        let again = tracker.missed(sentAt: at(110), cause: .refused)
        let broke = tracker.broke(at: at(150), cause: .reset, inFlightSince: at(140))
        #expect(opened && !again && !broke, "one outage, from the first miss")
        tracker.connecting()
        tracker.connecting()
        tracker.reconnected(at: at(400))
        let older = tracker.answered(sentAt: at(90))
        #expect(older == nil, "an answer to an older exchange ends nothing")
        let ended = tracker.answered(sentAt: at(405))
        #expect(ended?.start == at(100) && ended?.cause == .timeout)
        #expect(ended?.reconnects == 1 && ended?.connectAttempts == 2 && ended?.longestReconnect == 250_000_000)
        // A break with nothing in flight starts at the break.
        let idleBreak = tracker.broke(at: at(1000), cause: .closed, inFlightSince: nil)
        #expect(idleBreak)
        #expect(tracker.open?.start == at(1000))
    }

    @Test func theLogJoinsOutagesAsTheyArriveAndBoundsItsIntervals() {
        var log = DisruptionLog()
        let outage = { (start: Int64, end: Int64) in OutageInterval(start: start, end: end, cause: .timeout, peer: nil) }
        log.closed(flow: 1, outage(100, 200))
        log.closed(flow: 2, outage(300, 400))
        log.closed(flow: 3, outage(150, 350))
        #expect(log.intervals.map { [$0.start, $0.end] } == [[100, 400]] && log.intervals[0].outages == 3)
        log.opened(flow: 4, outage(1000, 1000))
        let summary = DisruptionLog.summary([log], now: 1500)
        #expect(summary.activeOutages == 1 && summary.outages == 4 && summary.intervalCount == 2)
        #expect(summary.intervals.last?.ongoing == true && summary.intervals.last?.end == 1500)
        for index in 0..<Int64(DisruptionLog.intervalLimit + 5) { log.closed(flow: 5, outage(10_000 + index * 10, 10_000 + index * 10 + 1 + index % 3)) }
        #expect(log.intervals.count == DisruptionLog.intervalLimit)
        let bounded = DisruptionLog.summary([log], now: 1500)
        #expect(bounded.intervalCount == Int64(DisruptionLog.intervalLimit) + 5 + 1 + 1, "omitted ones are still counted")
        #expect(bounded.intervals.count == DisruptionSummary.agentIntervalLimit)
    }
}

extension ExchangeWindow.Verdict: Equatable {
    public static func == (left: Self, right: Self) -> Bool {
        switch (left, right) {
        case (.answered(let a), .answered(let b)), (.missed(let a), .missed(let b)): a == b
        default: false
        }
    }
}
