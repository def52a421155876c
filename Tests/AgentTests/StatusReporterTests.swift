import FakeKubernetes
import FlowTestShared
import Foundation
import Logging
import Testing
@testable import FlowTestAgent

@Suite("Agents report into FlowTestReports of their own", .serialized)
struct StatusReporterTests {
    static func kubeconfig(for server: FakeAPIServer) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-\(UUID().uuidString)").path
        try """
            apiVersion: v1
            kind: Config
            current-context: fake
            contexts: [{name: fake, context: {cluster: fake, user: nobody, namespace: team}}]
            clusters: [{name: fake, cluster: {server: "\(server.url.absoluteString)"}}]
            users: [{name: nobody, user: {}}]
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func createFlowTest(_ name: String, on server: FakeAPIServer) async throws -> KubernetesClient {
        let client = KubernetesClient(configuration: server.configuration())
        _ = try await client.create(.flowTests, namespace: "team", FlowTest(metadata: ObjectMeta(name: name), spec: FlowTestSpec(flows: FlowsSpec(rate: 1))))
        return client
    }

    @Test func fiftyAgentsReportingAtOnceLoseNothing() async throws {
        let server = try await FakeAPIServer.start()
        let client = try await Self.createFlowTest("many", on: server)
        let reporters = (0..<50).map { index in
            let settings = ReportingSettings(
                namespace: "team", flowTest: "many", agentName: "generator-\(index)", incarnation: AgentIncarnation(podUID: "uid-\(index)"),
                interval: .seconds(1), kubeconfig: nil)
            return StatusReporter(client: KubernetesClient(configuration: server.configuration()), settings: settings, role: .generator, logger: Logger(label: "test")) { finished in
                var report = AgentReport(startTime: "2026-11-21T00:00:00.000Z", reportTime: "2026-11-21T00:00:01.000Z", finished: finished)
                var counters = TrafficCounters()
                counters.flowsStarted = UInt64(index + 1)
                report.tcp = counters
                return report
            }
        }
        // Two rounds, all at once: the second must replace the first, never count twice.
        for finished in [false, true] {
            await withTaskGroup(of: Void.self) { group in
                for reporter in reporters { group.addTask { _ = await reporter.report(finished: finished) } }
            }
        }
        let flowTest = try await ControllerHarness.flowTest("many", client: client)
        let agents = try #require(flowTest.status?.agents)
        #expect(agents.count == 50)
        #expect(agents.values.allSatisfy { $0.incarnations.count == 1 && $0.latest?.finished == true })
        let expected = Int64((1...50).reduce(0, +))
        #expect(FlowTestSummary(agents: agents).flowsStarted == expected)
        // What the API paid: nothing on the FlowTest, and per agent a create and one patch of
        // its own object, each the size of one agent's report, whatever the number of agents.
        #expect(server.store.writeStatistics(.flowTests, namespace: "team", name: "many").writes == 1, "only the test's own create")
        let writes = server.store.writeStatistics(.flowTestReports, namespace: "team")
        #expect(writes.count == 50 && writes.values.allSatisfy { $0.writes == 2 }, "\(writes)")
        let largest = writes.values.map(\.bytes).max() ?? 0
        #expect(largest > 0 && largest < 4_000, "a report write carries one agent's report: \(largest) bytes for two")
        await server.stop()
    }

    /// A container restart (same pod UID, new process) and a replaced pod (same name, new UID)
    /// each add an incarnation: the first process's figures stay, and the summary counts each
    /// process once (on a real cluster the replacement overwrote its predecessor's counters).
    @Test func restartedAndReplacedEchoServersKeepEveryIncarnationsFigures() async throws {
        let server = try await FakeAPIServer.start()
        let client = try await Self.createFlowTest("restarts", on: server)
        let kubeconfig = try Self.kubeconfig(for: server)
        var expectedConnections: UInt64 = 0
        for (round, podUID) in ["11111111-aaaa", "11111111-aaaa", "22222222-bbbb"].enumerated() {
            let port = try await FreePort.tcp()
            let metricsPort = try await FreePort.tcp()
            let echo = try AgentProcess([
                "echo", "--tcp-ports", String(port), "--udp-ports", String(port), "--metrics-port", String(metricsPort),
                "--report-to", "team/restarts", "--report-interval", "10s", "--kubeconfig", kubeconfig,
            ], environment: ["FLOWTEST_AGENT_NAME": "restarts-echo-0", "FLOWTEST_POD_UID": podUID])
            try await AgentProcess.waitUntilReady(metricsPort: metricsPort)
            let connections = round + 2
            for _ in 0..<connections {
                let socket = try TestSocket.tcp(port)
                try socket.send(Array("ping".utf8))
                _ = try socket.receive(exactly: 4)
            }
            expectedConnections += UInt64(connections)
            echo.signal(SIGTERM)
            let result = await echo.finish()
            #expect(result.code == 0, "\(result.err.suffix(1500))")
        }
        let flowTest = try await ControllerHarness.flowTest("restarts", client: client)
        let agent = try #require(flowTest.status?.agents?["restarts-echo-0"])
        #expect(agent.role == .echo)
        #expect(agent.incarnations.count == 3, "\(agent.incarnations.keys.sorted())")
        #expect(agent.incarnations.keys.filter { $0.hasPrefix("11111111-") }.count == 2)
        #expect(agent.incarnations.values.allSatisfy { $0.finished })
        let summary = FlowTestSummary(agents: flowTest.status?.agents ?? [:])
        #expect(summary.echo?.tcpConnectionsAccepted == Int64(expectedConnections))
        #expect(summary.agentsReported == 1 && summary.agentIncarnations == 3)
        await server.stop()
    }

    @Test func aGeneratorProcessReportsPeriodicallyAndOnceMoreWhenItEnds() async throws {
        let server = try await FakeAPIServer.start()
        let client = try await Self.createFlowTest("reported", on: server)
        let echo = try await EchoFixture.start()
        let kubeconfig = try Self.kubeconfig(for: server)
        let result = try await AgentProcess.run([
            "generate", "--target", "127.0.0.1", "--tcp-ports", String(echo.tcpPort), "--udp-ports", String(echo.udpPort),
            "--metrics-port", "0", "--rate", "50", "--max-duration", "300ms", "--min-duration", "100ms", "--time-limit", "1500ms",
            "--report-to", "team/reported", "--agent-name", "reported-generator-0", "--report-interval", "200ms",
            "--kubeconfig", kubeconfig,
        ])
        #expect(result.code == 0, "\(result.err.suffix(1500))")
        let writes = server.store.writeStatistics(.flowTestReports, namespace: "team", name: "reported-generator-0").writes
        #expect(writes >= 2, "at least one periodic report and the last one")
        let flowTest = try await ControllerHarness.flowTest("reported", client: client)
        let report = try #require(flowTest.status?.agents?["reported-generator-0"]?.latest)
        #expect(report.finished)
        // The last report holds the same figures as the summary the process printed.
        let summary = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as! [String: Any]
        let tcp = (summary["tcp"] as! [String: Any])["counters"] as! [String: Any]
        #expect(report.tcp?.flowsStarted == UInt64(tcp["flowsStarted"] as! Int))
        #expect(report.rtt?.count ?? 0 > 0)
        await echo.stop()
        await server.stop()
    }
}
