import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

@Suite("Generator: real flows against the echo server", .serialized)
struct GeneratorTests {
    @Test func measuresRoundTripsOverTCPAndUDP() async throws {
        let echo = try await EchoFixture.start()
        let runner = GeneratorRunner(port: echo.tcpPort) {
            $0.udpPorts = [echo.udpPort]
            $0.pattern = .constant
            $0.rate = 20
            $0.maxConcurrent = 10
            $0.flowCount = 20
            $0.payload = .range(min: 24, max: 1400)
        }
        let report = try await runner.run()
        for figures in [report.tcp!, report.udp!] {
            #expect(figures.counters.flowsStarted == 10)
            #expect(figures.counters.flowsCompleted == 10)
            #expect(figures.counters.flowsFailed == 0)
            #expect(figures.counters.messagesReceived == figures.counters.messagesSent)
            #expect(figures.counters.bytesReceived == figures.counters.bytesSent)
            #expect(figures.rttMilliseconds.samples == figures.counters.messagesReceived)
            #expect(figures.rttMilliseconds.p50 > 0)
            #expect(figures.rttMilliseconds.p50 <= figures.rttMilliseconds.p99)
            #expect(figures.rttMilliseconds.p99 <= figures.rttMilliseconds.max)
        }
        // Each flow lives 0.5 s sending every 10 ms: about 50 messages each.
        #expect(report.tcp!.counters.messagesSent > 300)
        #expect(report.udp!.counters.udpLost == 0)
        // Both directions went through the echo: what it received is what the generator sent.
        #expect(echo.statistics(.tcp).bytesReceived == report.tcp!.counters.bytesSent)
        #expect(echo.statistics(.udp).bytesReceived == report.udp!.counters.bytesSent)
        await echo.stop()
    }

    /// Interval 0: each message leaves as soon as the previous echo is back, over TCP and UDP.
    @Test(arguments: [FlowProtocol.tcp, .udp])
    func backToBackFlowsExchangeAsFastAsTheEchoReturns(flowProtocol: FlowProtocol) async throws {
        let echo = try await EchoFixture.start()
        let runner = GeneratorRunner(port: echo.tcpPort) {
            $0.udpPorts = [echo.udpPort]
            $0.flowProtocol = flowProtocol
            $0.pattern = .constant
            $0.rate = 2
            $0.maxConcurrent = 1
            $0.flowCount = 1
            $0.messageInterval = .zero
        }
        let report = try await runner.run()
        let counters = report.total.counters
        // Back-to-back, not paced: an interval would allow a handful in 0.5 s. How many more is a
        // benchmark's business (thousands here on a quiet machine; a busy one may manage far fewer).
        #expect(counters.messagesReceived > 20, "\(counters.messagesReceived) exchanges in one 0.5 s flow")
        #expect(counters.messagesReceived == counters.messagesSent)
        #expect(counters.flowsCompleted == 1)
        await echo.stop()
    }

    /// Pacing is level-based: however late the generator wakes, it starts every flow that is due,
    /// so a run of 4 s at 500 flows/s starts exactly 2,000. How evenly they spread over each
    /// second depends on the machine, and is measured by bench/run.sh (rate error), not here.
    @Test func aConstantRateStartsExactlyRateTimesTheTimeLimit() async throws {
        let echo = try await EchoFixture.start()
        let runner = GeneratorRunner(port: echo.tcpPort) {
            $0.udpPorts = [echo.udpPort]
            $0.pattern = .constant
            $0.rate = 500
            $0.maxConcurrent = 50
            $0.timeLimit = .seconds(4)
            $0.messageInterval = .milliseconds(20)
        }
        let report = try await runner.run()
        // Every arrival of the four seconds is started or, on a machine so busy that flows
        // outlive their lifetimes, skipped at the limit and counted: none is lost or added.
        #expect(report.total.counters.flowsStarted + report.flowsSkipped == 2000)
        #expect(report.flowsSkipped < 200, "a tenth of the arrivals skipped: the limit is not a limit for lateness")
        #expect(report.total.counters.flowsFailed == 0, "\(report.total.counters.failures)")
        await echo.stop()
    }

    @Test func steadyStateHasExactlyMaxConcurrentFlowsOpen() async throws {
        let echo = try await EchoFixture.start()
        let runner = GeneratorRunner(port: echo.tcpPort) {
            $0.udpPorts = [echo.udpPort]
            $0.pattern = .constant
            $0.rate = 100
            $0.maxConcurrent = 40
            $0.timeLimit = .seconds(2.5)
        }
        let (service, _) = runner.makeService()
        async let run: Void = service.run()
        // Flows start every 10 ms; sample halfway between starts once the first lifetime (0.4 s) is over.
        try await Task.sleep(for: .milliseconds(605))
        var samples: [Int] = []
        for _ in 0..<30 {
            samples.append(service.statistics.activeFlows)
            try await Task.sleep(for: .milliseconds(50))
        }
        try await run
        // Exactly 40 is the steady state; a flow that ends a little late, or starts a little early,
        // shows as 41 or 39 for a moment on a busy machine, never more.
        #expect(samples.sorted()[samples.count / 2] == 40, "samples: \(samples)")
        #expect(samples.allSatisfy { (39...41).contains($0) }, "samples: \(samples)")
        await echo.stop()
    }

    @Test func flowCountStopsTheRun() async throws {
        let echo = try await EchoFixture.start()
        let runner = GeneratorRunner(port: echo.tcpPort) {
            $0.udpPorts = [echo.udpPort]
            $0.rate = 200
            $0.flowCount = 37
            $0.minDuration = .milliseconds(50)
            $0.maxDuration = .milliseconds(150)
        }
        let report = try await runner.run()
        #expect(report.total.counters.flowsStarted == 37)
        #expect(report.total.counters.flowsCompleted == 37)
        #expect(report.elapsedSeconds < 5)
        await echo.stop()
    }

    @Test func timeLimitStopsTheRunAndEndsLongFlows() async throws {
        let echo = try await EchoFixture.start()
        let runner = GeneratorRunner(port: echo.tcpPort) {
            $0.udpPorts = [echo.udpPort]
            $0.rate = 50
            $0.minDuration = .seconds(30)
            $0.maxDuration = .seconds(60)
            $0.timeLimit = .seconds(1)
        }
        let report = try await runner.run()
        #expect(report.elapsedSeconds >= 1 && report.elapsedSeconds < 2.5)
        #expect(report.total.counters.flowsStarted >= 40)
        #expect(report.total.counters.flowsCompleted == report.total.counters.flowsStarted)
        #expect(report.peakActiveFlows == Int(report.total.counters.flowsStarted))
        await echo.stop()
    }

    @Test func nothingListeningCountsAsRefused() async throws {
        let port = try await FreePort.tcp()
        let runner = GeneratorRunner(port: port) {
            $0.rate = 100
            $0.flowCount = 10
            $0.minDuration = .milliseconds(200)
            $0.maxDuration = .milliseconds(200)
            $0.messageInterval = .milliseconds(20)
        }
        let report = try await runner.run()
        #expect(report.tcp!.counters.failures == ["refused": 5])
        // UDP learns of the closed port from the ICMP port-unreachable that answers its first datagram.
        #expect(report.udp!.counters.failures == ["refused": 5])
        #expect(report.total.counters.flowsCompleted == 0)
    }

    /// An answer that differs from what was sent, in the header or after it, fails the flow as
    /// `corrupted`: whatever answered is not a pure echo.
    @Test(arguments: [3, 20, 60])
    func anEchoThatChangesAByteFailsTheFlowAsCorrupted(offset: Int) async throws {
        let server = try await ByteFlippingEchoServer.start(flippingByteAt: offset)
        let runner = GeneratorRunner(port: server.port) {
            $0.flowProtocol = .tcp
            $0.rate = 100
            $0.flowCount = 4
            $0.payload = .fixed(100)
            $0.minDuration = .milliseconds(200)
            $0.maxDuration = .milliseconds(200)
            $0.messageInterval = .milliseconds(20)
        }
        let report = try await runner.run()
        await server.stop()
        if offset < FlowHeader.size {
            #expect(report.tcp!.counters.failures == ["corrupted": 4])
            #expect(report.tcp!.counters.flowsCompleted == 0)
        } else {
            // Past the header the filler is not compared: only the header identifies the echo.
            #expect(report.tcp!.counters.failures.isEmpty)
            #expect(report.tcp!.counters.flowsCompleted == 4)
        }
    }

    /// Beyond its descriptor budget the generator fails flows as `descriptorsExhausted` instead of
    /// running out of descriptors (where the runtime itself would trap).
    @Test func flowsBeyondTheDescriptorBudgetFailAsDescriptorsExhausted() async throws {
        let echo = try await EchoFixture.start()
        var runner = GeneratorRunner(port: echo.tcpPort) {
            $0.udpPorts = [echo.udpPort]
            $0.pattern = .constant
            $0.rate = 200
            $0.maxConcurrent = 100
            $0.flowCount = 60
        }
        runner.descriptorLimit = FileDescriptorLimit.reserve + 20
        let report = try await runner.run()
        #expect(report.total.counters.flowsCompleted == 20)
        #expect(report.total.counters.failures == ["descriptorsExhausted": 40])
        await echo.stop()
    }

    /// flowCount counts flows started, not arrivals: a real run asked for 60 and got 39 because
    /// 21 arrivals were skipped at maxConcurrent and still counted.
    @Test func flowCountCountsFlowsStartedNotSkippedArrivals() async throws {
        let echo = try await EchoFixture.start()
        let runner = GeneratorRunner(port: echo.tcpPort) {
            $0.udpPorts = [echo.udpPort]
            $0.pattern = .random
            $0.rate = 200
            $0.maxConcurrent = 5
            $0.minDuration = .milliseconds(200)
            $0.maxDuration = .milliseconds(300)
            $0.flowCount = 30
        }
        let report = try await runner.run()
        #expect(report.total.counters.flowsStarted == 30)
        // 200 arrivals a second against room for about 20 flows a second: most are skipped.
        #expect(report.flowsSkipped > 0)
        await echo.stop()
    }

    /// Each event loop paces its own flows; once the flow count is spent, the loops still waiting
    /// for their next arrival stop too, instead of the run lasting until that arrival.
    @Test func aSpentFlowCountEndsThePacingOfEveryLoop() async throws {
        let echo = try await EchoFixture.start()
        let runner = GeneratorRunner(port: echo.tcpPort) {
            $0.flowProtocol = .tcp
            $0.pattern = .random
            // Arrivals about 100 s apart: the second loop's first one is far beyond the bound below.
            $0.rate = 0.01
            $0.minDuration = .milliseconds(50)
            $0.maxDuration = .milliseconds(50)
            $0.flowCount = 1
        }
        let started = ContinuousClock.now
        let report = try await runner.run()
        #expect(report.total.counters.flowsStarted == 1)
        #expect(report.total.counters.flowsCompleted == 1)
        #expect(ContinuousClock.now - started < .seconds(50))
        await echo.stop()
    }

    @Test func anUnresolvableTargetCountsAsDNSFailures() async throws {
        let runner = GeneratorRunner(port: 9) {
            $0.targets = ["no-such-host.invalid"]
            $0.rate = 100
            $0.flowCount = 4
        }
        let report = try await runner.run()
        #expect(report.total.counters.failures == ["dns": 4])
    }

    @Test func theMSSIsAppliedToTheConnection() async throws {
        let observed = try await MSSObservingServer.start()
        let runner = GeneratorRunner(port: observed.port) {
            $0.flowProtocol = .tcp
            $0.mss = 600
            $0.flowCount = 1
            $0.minDuration = .milliseconds(100)
            $0.maxDuration = .milliseconds(100)
        }
        let report = try await runner.run()
        #expect(report.tcp!.counters.flowsCompleted == 1)
        // The server's segment size towards us is bounded by the MSS our SYN advertised.
        let serverMSS = try #require(observed.maximumSegmentSizes().first)
        #expect(serverMSS <= 600 && serverMSS > 500)
        await observed.stop()
    }
}
