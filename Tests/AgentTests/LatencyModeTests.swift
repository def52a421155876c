import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

#if canImport(Glibc)
import Glibc
#endif

/// Latency mode (`--dedicated-threads`, `spec.flows.dedicatedThreads`): the data plane's loops
/// poll after each event instead of sleeping (`LatencyMode`); flows are counted exactly as
/// without it, and nothing the default mode runs is refused.
@Suite("Latency mode: polling loops, every feature", .serialized, .timeLimit(.minutes(2)))
struct LatencyModeTests {
    /// TCP and UDP flows, paced and back-to-back: every flow starts, completes and is settled; every
    /// message's echo is counted with its round trip; nothing is lost on loopback.
    @Test(arguments: [(FlowProtocol.tcp, Duration.zero), (.udp, .zero), (.both, .milliseconds(5))])
    func flowsRunOnThreadsAndAreCountedAsOnTheLoops(flowProtocol: FlowProtocol, interval: Duration) async throws {
        let echo = try await EchoFixture.start()
        let runner = GeneratorRunner(port: echo.tcpPort) { configuration in
            configuration.udpPorts = [echo.udpPort]
            configuration.flowProtocol = flowProtocol
            configuration.pattern = .constant
            configuration.rate = 20
            configuration.maxConcurrent = 4
            configuration.flowCount = 8
            configuration.timeLimit = .seconds(30)
            configuration.messageInterval = interval
            configuration.dedicatedThreads = true
        }
        let (service, _) = runner.makeService()
        try await service.run()
        let snapshot = service.statistics.snapshot()
        let total = snapshot.total
        #expect(total.flowsStarted == 8 && total.flowsCompleted == 8 && total.flowsFailed == 0, "\(total)")
        #expect(service.statistics.unsettledFlows == 0)
        for transport in flowProtocol.transports {
            let counters = snapshot.counters[transport]
            #expect(counters.messagesReceived > counters.flowsStarted, "\(transport): \(counters)")
            #expect(counters.messagesSent - counters.messagesReceived <= counters.flowsStarted, "at most the last message of a flow unanswered")
            #expect(snapshot.roundTrips[transport].totalCount == counters.messagesReceived)
        }
        #expect(snapshot.counters.udp.udpLost <= snapshot.counters.udp.flowsStarted)
        for transport in flowProtocol.transports {
            let received = snapshot.counters[transport].bytesReceived
            let echoed = await echo.statistics(transport) { $0.bytesSent >= received }.bytesSent
            #expect(echoed >= received, "\(transport): the echo sent every byte the generator counted")
        }
        await echo.stop()
    }

    /// The echo in latency mode: TCP connections and UDP listeners on threads of their own, a
    /// pure echo for plain bytes, the size asked for a traffic pattern's sized requests, and
    /// counted as the event loops' listeners are; and a generator in latency mode against it.
    @Test func anEchoOnThreadsEchoesAndAnswersSizedRequests() async throws {
        let echo = try await EchoFixture.start { $0.dedicatedThreads = true }
        let tcp = try TestSocket.tcp(echo.tcpPort)
        let plain = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
        try tcp.send(plain)
        #expect(try tcp.receive(exactly: plain.count) == plain)
        let sized = try TestSocket.tcp(echo.tcpPort)
        let request = TrafficMixTests.sizedRequest(request: 100, response: 150_000)
        try sized.send(request)
        let response = try sized.receive(exactly: 150_000)
        #expect(Array(response.prefix(FlowHeader.sizedSize)) == Array(request.prefix(FlowHeader.sizedSize)))
        let udp = try TestSocket.udp(echo.udpPort)
        try udp.send(Array(plain.prefix(64)))
        #expect(try udp.receiveOnce() == Array(plain.prefix(64)))
        try udp.send(TrafficMixTests.sizedRequest(request: 40, response: 512))
        #expect(try udp.receiveOnce().count == 512)
        // The echo's threads count what they sent once send(2) returns, which may be after the
        // client has read it: the fixture waits (bounded) for the counters to settle.
        let statistics = (
            tcp: await echo.statistics(.tcp) { $0.bytesSent >= 151_000 }, udp: await echo.statistics(.udp) { $0.datagramsSent >= 2 }
        )
        #expect(statistics.tcp.connectionsAccepted == 2 && statistics.tcp.sizedResponses == 1, "\(statistics.tcp)")
        #expect(statistics.tcp.bytesReceived == 1100 && statistics.tcp.bytesSent == 151_000, "\(statistics.tcp)")
        #expect(statistics.udp.datagramsReceived == 2 && statistics.udp.datagramsSent == 2 && statistics.udp.sizedResponses == 1)

        let runner = GeneratorRunner(port: echo.tcpPort) { configuration in
            configuration.udpPorts = [echo.udpPort]
            configuration.pattern = .constant
            configuration.rate = 20
            configuration.maxConcurrent = 4
            configuration.flowCount = 6
            configuration.timeLimit = .seconds(30)
            configuration.messageInterval = .zero
            configuration.dedicatedThreads = true
        }
        let (service, _) = runner.makeService()
        try await service.run()
        let total = service.statistics.snapshot().total
        #expect(total.flowsCompleted == 6 && total.flowsFailed == 0 && total.messagesReceived > 6, "\(total)")
        let stopped = ContinuousClock.now
        await echo.stop()
        #expect(ContinuousClock.now - stopped < .seconds(5), "the threads look at the stop every 50 ms")
    }

    /// A run without an end (no flow count, no time limit), stopped with SIGINT: the threads end
    /// within a response timeout, and the summary counts their flows as completed.
    @Test func anInterruptedRunStopsItsThreads() async throws {
        let echo = try await EchoFixture.start()
        let generator = try AgentProcess([
            "generate", "--target", "127.0.0.1", "--tcp-ports", "\(echo.tcpPort)", "--udp-ports", "\(echo.udpPort)", "--dedicated-threads",
            "--pattern", "constant", "--rate", "20", "--max-concurrent", "4", "--min-duration", "60s", "--max-duration", "60s",
            "--message-interval", "1ms", "--response-timeout", "1s", "--metrics-port", "0",
        ])
        // Until the flows run, seen at the echo.
        let deadline = ContinuousClock.now + .seconds(20)
        while echo.statistics(.tcp).connectionsActive + Int(echo.statistics(.udp).datagramsReceived > 0 ? 1 : 0) < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let stopped = ContinuousClock.now
        generator.signal(SIGINT)
        let result = await generator.finish()
        #expect(ContinuousClock.now - stopped < .seconds(15), "bounded by the response timeout, not the 60 s lifetime")
        struct Summary: Decodable { var tcp: GeneratorReport.Figures? }
        let summary = try JSONDecoder().decode(Summary.self, from: Data(result.out.utf8))
        let tcp = try #require(summary.tcp?.counters)
        #expect(tcp.flowsStarted > 0 && tcp.flowsCompleted == tcp.flowsStarted, "\(tcp)")
        await echo.stop()
    }

    /// What latency mode refused when it ran a thread per flow (more than 64 flows, the continuous
    /// pattern, a traffic mix) it now runs, with the defaults of the default mode.
    @Test(arguments: [
        ["--dedicated-threads", "--max-concurrent", "1000"],
        ["--dedicated-threads", "--pattern", "continuous", "--time-limit", "1m"],
        ["--dedicated-threads", "--max-concurrent", "10", "--mix", "[{pattern: web, weight: 1}]"],
    ])
    func whatLatencyModeRefusedItNowRuns(arguments: [String]) throws {
        let configuration = try GeneratorConfiguration.resolve(GenerateOptions.parse(arguments), SettingResolver(environment: [:]))
        #expect(configuration.dedicatedThreads)
        #expect(try GeneratorConfiguration.resolve(GenerateOptions.parse(["--dedicated-threads"]), SettingResolver(environment: [:])).maxConcurrent
            == GeneratorConfiguration.resolve(GenerateOptions.parse([]), SettingResolver(environment: [:])).maxConcurrent)
    }

    /// A traffic mix (sized answers) and a flow log in latency mode, through a real process:
    /// every flow completes and is in the log.
    @Test func aMixWithAFlowLogRunsInLatencyMode() async throws {
        let echo = try await EchoFixture.start { $0.dedicatedThreads = true }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("latency-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: log) }
        let generator = try AgentProcess([
            "generate", "--target", "127.0.0.1", "--tcp-ports", "\(echo.tcpPort)", "--udp-ports", "\(echo.udpPort)", "--dedicated-threads",
            "--pattern", "constant", "--rate", "50", "--max-concurrent", "100", "--flow-count", "60", "--message-interval", "5ms",
            "--protocol", "tcp", "--payload-size", "64", "--mix", "[{pattern: random, weight: 1, responseSize: {min: 2000, max: 3000}}]",
            "--flow-log", log.path, "--metrics-port", "0",
        ])
        let result = await generator.finish()
        struct Summary: Decodable { var total: GeneratorReport.Figures }
        let summary = try JSONDecoder().decode(Summary.self, from: Data(result.out.utf8))
        #expect(summary.total.counters.flowsCompleted == 60 && summary.total.counters.flowsFailed == 0, "\(summary.total.counters)")
        let records = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(records.count == 60, "one record per flow")
        await echo.stop()
    }
}
