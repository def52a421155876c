import FakeKubernetes
import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

/// An apiserver that is away when an agent ends: the final report is retried until it lands
/// or its timeout passes, and the process always exits (on a real cluster a generator hung
/// after a failed final report and its figures were lost).
@Suite("Final reports survive an apiserver that is away", .serialized, .timeLimit(.minutes(2)))
struct FinalReportTests {
    @Test func aGeneratorsFinalReportLandsOnceTheAPIServerIsBack() async throws {
        let server = try await FakeAPIServer.start()
        let client = try await StatusReporterTests.createFlowTest("outage", on: server)
        let echo = try await EchoFixture.start()
        let kubeconfig = try StatusReporterTests.kubeconfig(for: server)
        server.store.stopAnswering()
        let generator = try AgentProcess([
            "generate", "--target", "127.0.0.1", "--tcp-ports", String(echo.tcpPort), "--udp-ports", String(echo.udpPort),
            "--metrics-port", "0", "--rate", "20", "--min-duration", "100ms", "--max-duration", "200ms", "--time-limit", "500ms",
            "--report-to", "team/outage", "--agent-name", "outage-generator-0", "--report-interval", "10s",
            "--final-report-timeout", "60s", "--kubeconfig", kubeconfig,
        ])
        // Back once the generator has tried at least once (its first attempt waits unanswered).
        let deadline = ContinuousClock.now + .seconds(30)
        while server.store.heldRequests == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.store.heldRequests > 0, "the generator never tried to report")
        server.store.resumeAnswering()
        let result = await generator.finish()
        #expect(result.code == 0, "\(result.err.suffix(1500))")
        #expect(result.err.contains("final report landed"), "\(result.err.suffix(1500))")
        let flowTest: FlowTest = try await client.get(.flowTests, namespace: "team", name: "outage")
        let report = try #require(flowTest.status?.agents?["outage-generator-0"]?.latest)
        #expect(report.finished)
        let printed = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as! [String: Any]
        let total = (printed["total"] as! [String: Any])["counters"] as! [String: Any]
        #expect(FlowTestSummary(agents: flowTest.status?.agents ?? [:]).flowsStarted == Int64(total["flowsStarted"] as! Int))
        await echo.stop()
        await server.stop()
    }

    /// The final report is taken once every flow has settled: flows still connecting when the
    /// run ends are in it, as failed, so started is completed plus failed (a real cluster saw
    /// one flow short of that in a final report, and one more failure in the process's output).
    @Test func aFinalReportHoldsTheFlowsStillConnectingAtTheEnd() async throws {
        let server = try await FakeAPIServer.start()
        let client = try await StatusReporterTests.createFlowTest("connecting", on: server)
        let peer = try StalledListener()
        defer { peer.close() }
        let kubeconfig = try StatusReporterTests.kubeconfig(for: server)
        let generator = try AgentProcess([
            "generate", "--target", "127.0.0.1", "--tcp-ports", String(peer.port), "--protocol", "tcp", "--metrics-port", "0",
            "--rate", "20", "--min-duration", "100ms", "--max-duration", "200ms", "--time-limit", "1s", "--connect-timeout", "6s",
            "--report-to", "team/connecting", "--agent-name", "connecting-generator-0", "--report-interval", "10s", "--kubeconfig", kubeconfig,
        ])
        let result = await generator.finish()
        #expect(result.code == 0, "\(result.err.suffix(1500))")
        let flowTest: FlowTest = try await client.get(.flowTests, namespace: "team", name: "connecting")
        let report = try #require(flowTest.status?.agents?["connecting-generator-0"]?.latest)
        #expect(report.finished)
        let tcp = try #require(report.tcp)
        #expect(tcp.flowsStarted > 0)
        #expect(tcp.flowsStarted == tcp.flowsCompleted + tcp.flowsFailed, "\(tcp)")
        // The same figures as the process printed once it had ended.
        let printed = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as! [String: Any]
        let total = (printed["total"] as! [String: Any])["counters"] as! [String: Any]
        #expect(tcp.flowsFailed == UInt64(total["flowsFailed"] as! Int))
        await server.stop()
    }

    /// A generator that finished on its own is not being terminated: it retries its final
    /// report past `--final-report-timeout`, until `--report-deadline` (the controller's own
    /// deadline), so an apiserver away for longer than the timeout loses nothing.
    @Test func aGeneratorThatFinishedRetriesUntilTheReportDeadline() async throws {
        let server = try await FakeAPIServer.start()
        let client = try await StatusReporterTests.createFlowTest("patient", on: server)
        let echo = try await EchoFixture.start()
        let kubeconfig = try StatusReporterTests.kubeconfig(for: server)
        server.store.stopAnswering()
        let generator = try AgentProcess([
            "generate", "--target", "127.0.0.1", "--tcp-ports", String(echo.tcpPort), "--udp-ports", String(echo.udpPort),
            "--metrics-port", "0", "--rate", "20", "--min-duration", "100ms", "--max-duration", "200ms", "--time-limit", "500ms",
            "--report-to", "team/patient", "--agent-name", "patient-generator-0", "--report-interval", "10s",
            "--final-report-timeout", "2s", "--report-deadline", FlowTestStatus.timestamp(Date().addingTimeInterval(120)),
            "--kubeconfig", kubeconfig,
        ])
        let deadline = ContinuousClock.now + .seconds(30)
        while server.store.heldRequests == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.store.heldRequests > 0, "the generator never tried to report")
        // Well past the 2 s timeout (the first attempt alone waits out a 5 s request timeout).
        try await Task.sleep(for: .seconds(8))
        server.store.resumeAnswering()
        let result = await generator.finish()
        #expect(result.code == 0, "\(result.err.suffix(1500))")
        #expect(result.err.contains("final report landed"), "\(result.err.suffix(1500))")
        let flowTest: FlowTest = try await client.get(.flowTests, namespace: "team", name: "patient")
        #expect(flowTest.status?.agents?["patient-generator-0"]?.latest?.finished == true)
        await echo.stop()
        await server.stop()
    }

    /// A terminated generator has only its grace period, whatever its report deadline says.
    @Test func aTerminatedGeneratorGivesUpWithinItsFinalReportTimeout() async throws {
        let server = try await FakeAPIServer.start()
        _ = try await StatusReporterTests.createFlowTest("terminated", on: server)
        let echo = try await EchoFixture.start()
        let kubeconfig = try StatusReporterTests.kubeconfig(for: server)
        let metricsPort = try await FreePort.tcp()
        let generator = try AgentProcess([
            "generate", "--target", "127.0.0.1", "--tcp-ports", String(echo.tcpPort), "--udp-ports", String(echo.udpPort),
            "--metrics-port", String(metricsPort), "--rate", "20", "--min-duration", "100ms", "--max-duration", "200ms", "--time-limit", "60s",
            "--report-to", "team/terminated", "--agent-name", "terminated-generator-0", "--report-interval", "10s",
            "--final-report-timeout", "2s", "--report-deadline", FlowTestStatus.timestamp(Date().addingTimeInterval(120)),
            "--kubeconfig", kubeconfig,
        ])
        try await AgentProcess.waitUntilReady(metricsPort: metricsPort)
        server.store.stopAnswering()
        let signalled = ContinuousClock.now
        generator.signal(SIGTERM)
        let result = await generator.finish()
        // One attempt held for its 5 s request timeout, then no more: far from the 120 s deadline.
        #expect(result.code == 3, "\(result.err.suffix(1500))")
        #expect(ContinuousClock.now - signalled < .seconds(30))
        server.store.resumeAnswering()
        await echo.stop()
        await server.stop()
    }

    @Test func anEchoWhoseFinalReportNeverLandsExitsWithCode3() async throws {
        let server = try await FakeAPIServer.start()
        _ = try await StatusReporterTests.createFlowTest("gone", on: server)
        let kubeconfig = try StatusReporterTests.kubeconfig(for: server)
        let port = try await FreePort.tcp()
        let metricsPort = try await FreePort.tcp()
        let echo = try AgentProcess([
            "echo", "--tcp-ports", String(port), "--udp-ports", String(port), "--metrics-port", String(metricsPort),
            "--report-to", "team/gone", "--agent-name", "gone-echo-0", "--report-interval", "10s", "--final-report-timeout", "2s",
            "--kubeconfig", kubeconfig,
        ])
        try await AgentProcess.waitUntilReady(metricsPort: metricsPort)
        server.store.stopAnswering()
        echo.signal(SIGTERM)
        let result = await echo.finish()
        #expect(result.code == 3, "\(result.err.suffix(1500))")
        #expect(result.err.contains("the final report never reached FlowTest team/gone"), "\(result.err.suffix(1500))")
        // The figures are not lost to the user: the process printed them.
        #expect(result.out.contains("\"listeners\""))
        server.store.resumeAnswering()
        await server.stop()
    }
}
