import FlowTestShared
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built binary, run as a user would run it.
@Suite("flowtest-agent as a process: exit codes, summaries, signals", .serialized, .timeLimit(.minutes(3)))
struct ProcessTests {
    @Test func aBadFlagExitsWith64AndOneLine() async throws {
        let result = try await AgentProcess.run(["generate", "--rate", "abc"])
        #expect(result.code == 64)
        #expect(result.err == "flowtest-agent: error: invalid value \"abc\" for --rate: expected flows per second, a number 0.001...1000000\n")
        #expect(result.out.isEmpty)
    }

    @Test func aBadVariableExitsWith64AndNamesIt() async throws {
        let result = try await AgentProcess.run(["echo"], environment: ["FLOWTEST_IDLE_TIMEOUT": "forever"])
        #expect(result.code == 64)
        #expect(result.err == "flowtest-agent: error: invalid value \"forever\" for FLOWTEST_IDLE_TIMEOUT: expected a duration such as 30s or 5m (0 = never)\n")
    }

    @Test func aPortInUseExitsWith1() async throws {
        let holder = try await EchoFixture.start()
        let result = try await AgentProcess.run([
            "echo", "--tcp-ports", String(holder.tcpPort), "--udp-ports", "", "--metrics-port", "0",
        ])
        #expect(result.code == 1)
        #expect(result.err.contains("flowtest-agent: error: cannot listen on tcp port \(holder.tcpPort)"))
        await holder.stop()
    }

    @Test func echoAndGeneratorProcessesExchangeTrafficAndPrintJSON() async throws {
        let port = try await FreePort.tcp()
        let metricsPort = try await FreePort.tcp()
        let echo = try AgentProcess([
            "echo", "--tcp-ports", String(port), "--udp-ports", String(port), "--metrics-port", String(metricsPort),
            "--log-format", "json",
        ])
        try await AgentProcess.waitUntilReady(metricsPort: metricsPort)
        let generator = try await AgentProcess.run(
            ["generate", "--target", "127.0.0.1", "--metrics-port", "0", "--pattern", "constant", "--monitor"],
            environment: [
                "FLOWTEST_TCP_PORTS": String(port), "FLOWTEST_UDP_PORTS": String(port), "FLOWTEST_RATE": "20",
                "FLOWTEST_MAX_CONCURRENT": "10", "FLOWTEST_TIME_LIMIT": "2s", "FLOWTEST_MESSAGE_INTERVAL": "20ms",
            ])
        #expect(generator.code == 0)
        let summary = try JSONSerialization.jsonObject(with: Data(generator.out.utf8)) as! [String: Any]
        let total = summary["total"] as! [String: Any]
        let counters = total["counters"] as! [String: Any]
        #expect(counters["flowsStarted"] as? Int == 40)
        #expect(counters["flowsFailed"] as? Int == 0)
        let rtt = total["rttMilliseconds"] as! [String: Any]
        #expect((rtt["p50"] as! Double) > 0)
        #expect((rtt["p99"] as! Double) >= (rtt["p50"] as! Double))
        #expect(generator.err.contains("flows started"), "--monitor prints progress lines to stderr")

        // The echo's own metrics saw the same connections.
        let scraped = PrometheusText(try await HTTPGet.fetch("http://127.0.0.1:\(metricsPort)/metrics").body)
        #expect(scraped.value("flowtest_echo_connections_accepted_total", ["protocol": "tcp"]) == 20)

        echo.signal(SIGTERM)
        let stopped = await echo.finish()
        #expect(stopped.code == 0)
        let echoSummary = try JSONSerialization.jsonObject(with: Data(stopped.out.utf8)) as! [String: Any]
        #expect(echoSummary["role"] as? String == "echo")
        // JSON logs: every stderr line is a JSON object.
        for line in stopped.err.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
        }
    }

    @Test func sigtermStopsAcceptingLetsOpenFlowsFinishThenCloses() async throws {
        let port = try await FreePort.tcp()
        let metricsPort = try await FreePort.tcp()
        let echo = try AgentProcess([
            "echo", "--tcp-ports", String(port), "--udp-ports", "", "--metrics-port", String(metricsPort),
            "--grace-period", "1500ms",
        ])
        try await AgentProcess.waitUntilReady(metricsPort: metricsPort)
        let open = try TestSocket.tcp(port)
        try open.send([1, 2, 3])
        #expect(try await blocking { try open.receive(exactly: 3) } == [1, 2, 3])

        echo.signal(SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        // Draining: not ready, no new connections, but the open one still echoes.
        #expect(try await HTTPGet.fetch("http://127.0.0.1:\(metricsPort)/readyz").status == 503)
        #expect(throws: TestSocket.Failure.system("connect", ECONNREFUSED)) { try TestSocket.tcp(port) }
        try open.send([4, 5])
        #expect(try await blocking { try open.receive(exactly: 2) } == [4, 5])

        // After the grace period the server closes it.
        let closedAfter = ContinuousClock.now
        #expect(try await blocking { try open.receiveOnce() }.isEmpty)
        #expect(ContinuousClock.now - closedAfter > .milliseconds(800))
        let stopped = await echo.finish()
        #expect(stopped.code == 0)
        let summary = try JSONSerialization.jsonObject(with: Data(stopped.out.utf8)) as! [String: Any]
        let tcp = (summary["listeners"] as! [[String: Any]]).first!
        #expect(tcp["connectionsAccepted"] as? Int == 1)
        #expect(tcp["bytesReceived"] as? Int == 5)
    }

    @Test func interruptingTheGeneratorStillPrintsItsStatistics() async throws {
        let echo = try await EchoFixture.start()
        let generator = try AgentProcess([
            "generate", "--target", "127.0.0.1", "--tcp-ports", String(echo.tcpPort), "--udp-ports", String(echo.udpPort),
            "--metrics-port", "0", "--rate", "50", "--max-duration", "30s", "--min-duration", "20s",
        ])
        try await Task.sleep(for: .seconds(1.5))
        generator.signal(SIGINT)
        let result = await generator.finish()
        #expect(result.code == 0)
        let summary = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as! [String: Any]
        let counters = (summary["total"] as! [String: Any])["counters"] as! [String: Any]
        let started = try #require(counters["flowsStarted"] as? Int)
        #expect(started > 20)
        // Open flows were ended by the interrupt, not lost: every started flow is accounted for.
        #expect(counters["flowsCompleted"] as? Int == started)
        #expect((summary["elapsedSeconds"] as! Double) < 5)
        await echo.stop()
    }
}
