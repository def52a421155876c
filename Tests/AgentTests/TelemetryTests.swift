import FlowTestShared
import Foundation
import Logging
import NIOPosix
import Prometheus
import Testing
@testable import FlowTestAgent

@Suite("Metrics and health endpoints")
struct TelemetryTests {
    @Test func metricsReflectTheTrafficAfterARun() async throws {
        let echo = try await EchoFixture.start()
        let runner = GeneratorRunner(port: echo.tcpPort) {
            $0.udpPorts = [echo.udpPort]
            $0.pattern = .constant
            $0.rate = 40
            $0.maxConcurrent = 8
            $0.flowCount = 20
        }
        let (service, metrics) = runner.makeService()
        let telemetry = try await TelemetryServer.bind(
            host: "127.0.0.1", port: 0, registry: runner.registry, readiness: ReadinessState(),
            beforeScrape: { metrics.publish(service.statistics.snapshot()) }, logger: Logger(label: "test"))
        try await service.run()
        let snapshot = service.statistics.snapshot()

        let (status, body) = try await HTTPGet.fetch("http://127.0.0.1:\(telemetry.port)/metrics")
        #expect(status == 200)
        let scraped = PrometheusText(body)
        for transport in Transport.allCases {
            let labels = ["role": "generator", "protocol": transport.rawValue]
            let counters = snapshot.counters[transport]
            #expect(scraped.value("flowtest_flows_started_total", labels) == Double(counters.flowsStarted))
            #expect(scraped.value("flowtest_flows_completed_total", labels) == Double(counters.flowsCompleted))
            #expect(scraped.value("flowtest_bytes_sent_total", labels) == Double(counters.bytesSent))
            #expect(scraped.value("flowtest_messages_received_total", labels) == Double(counters.messagesReceived))
            #expect(scraped.value("flowtest_rtt_seconds_count", labels) == Double(counters.messagesReceived))
            #expect(try #require(scraped.value("flowtest_rtt_seconds_sum", labels)) > 0)
            #expect(scraped.value("flowtest_active_flows", labels) == 0)
            #expect(scraped.value("flowtest_flows_failed_total", labels.merging(["reason": "refused"]) { a, _ in a }) == 0)
        }
        #expect(snapshot.counters.tcp.flowsStarted == 10)
        // A second scrape publishes only growth: counters stay, they never double.
        let again = PrometheusText(try await HTTPGet.fetch("http://127.0.0.1:\(telemetry.port)/metrics").body)
        #expect(again.value("flowtest_flows_started_total", ["protocol": "tcp"]) == 10)
        await telemetry.close()
        await echo.stop()
    }

    @Test func echoMetricsCountConnectionsAndBytes() async throws {
        let echo = try await EchoFixture.start()
        let registry = PrometheusCollectorRegistry()
        let metrics = EchoMetrics(registry: registry, listeners: echo.service.listeners)
        let socket = try TestSocket.tcp(echo.tcpPort)
        try socket.send(Array(repeating: 7, count: 1000))
        _ = try await blocking { try socket.receive(exactly: 1000) }
        metrics.publish()
        let scraped = PrometheusText(registry.emitToString())
        let labels = ["role": "echo", "protocol": "tcp", "port": String(echo.tcpPort)]
        #expect(scraped.value("flowtest_echo_connections_accepted_total", labels) == 1)
        #expect(scraped.value("flowtest_echo_connections_active", labels) == 1)
        #expect(scraped.value("flowtest_echo_bytes_received_total", labels) == 1000)
        #expect(scraped.value("flowtest_echo_bytes_sent_total", labels) == 1000)
        await echo.stop()
    }

    @Test func healthAndReadinessProbes() async throws {
        let readiness = ReadinessState()
        let telemetry = try await TelemetryServer.bind(
            host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry(), readiness: readiness, logger: Logger(label: "test"))
        let base = "http://127.0.0.1:\(telemetry.port)"
        #expect(try await HTTPGet.fetch(base + "/healthz").status == 200)
        #expect(try await HTTPGet.fetch(base + "/readyz") == (503, "starting\n"))
        readiness.markReady()
        #expect(try await HTTPGet.fetch(base + "/readyz") == (200, "ready\n"))
        readiness.markNotReady("shutting down")
        #expect(try await HTTPGet.fetch(base + "/readyz") == (503, "shutting down\n"))
        #expect(try await HTTPGet.fetch(base + "/nope").status == 404)
        await telemetry.close()
    }

    /// A busy agent is not a dead one: with every traffic event loop blocked, the health endpoint
    /// (on its own thread) still answers, so a liveness probe cannot kill a saturated agent.
    @Test func healthAnswersWhileEveryTrafficLoopIsBlocked() async throws {
        let telemetry = try await TelemetryServer.bind(
            host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry(), readiness: ReadinessState(),
            group: AgentRuntime.telemetryGroup, logger: Logger(label: "test"))
        let release = DispatchSemaphore(value: 0)
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        for loop in loops { loop.execute { release.wait() } }
        defer { for _ in loops { release.signal() } }
        let (status, body) = try await HTTPGet.fetch("http://127.0.0.1:\(telemetry.port)/healthz")
        #expect(status == 200, "\(body)")
        await telemetry.close()
    }
}
