import FakeKubernetes
import FlowTestShared
import Foundation
import Logging
import Testing
@testable import FlowTestAgent

@Suite("Agents report into the FlowTest status", .serialized)
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

    @Test func fiftyAgentsReportingAtOnceLoseNothing() async throws {
        let server = try await FakeAPIServer.start()
        let client = KubernetesClient(configuration: server.configuration())
        _ = try await client.create(.flowTests, namespace: "team", FlowTest(metadata: ObjectMeta(name: "many"), spec: FlowTestSpec(flows: FlowsSpec(rate: 1))))
        let reporters = (0..<50).map { index in
            let settings = ReportingSettings(namespace: "team", flowTest: "many", agentName: "generator-\(index)", interval: .seconds(1), kubeconfig: nil)
            return StatusReporter(client: KubernetesClient(configuration: server.configuration()), settings: settings, logger: Logger(label: "test")) { finished in
                var report = AgentReport(role: .generator, reportTime: "2026-11-21T00:00:00Z", finished: finished)
                var counters = TrafficCounters()
                counters.flowsStarted = UInt64(index + 1)
                report.tcp = counters
                return report
            }
        }
        // Two rounds, all at once: the second must replace the first, never count twice.
        for finished in [false, true] {
            await withTaskGroup(of: Void.self) { group in
                for reporter in reporters { group.addTask { await reporter.report(finished: finished) } }
            }
        }
        let flowTest: FlowTest = try await client.get(.flowTests, namespace: "team", name: "many")
        let agents = try #require(flowTest.status?.agents)
        #expect(agents.count == 50)
        #expect(agents.values.allSatisfy { $0.finished }, "not finished: \(agents.filter { !$0.value.finished }.keys.sorted())")
        #expect(agents.values.compactMap(\.tcp?.flowsStarted).reduce(0, +) == (1...50).reduce(0, +))
        #expect(FlowTestSummary(reports: agents).flowsStarted == Int64((1...50).reduce(0, +)))
        await server.stop()
    }

    @Test func aGeneratorProcessReportsPeriodicallyAndOnceMoreWhenItEnds() async throws {
        let server = try await FakeAPIServer.start()
        let client = KubernetesClient(configuration: server.configuration())
        _ = try await client.create(.flowTests, namespace: "team", FlowTest(metadata: ObjectMeta(name: "reported"), spec: FlowTestSpec(flows: FlowsSpec(rate: 1))))
        let echo = try await EchoFixture.start()
        let kubeconfig = try Self.kubeconfig(for: server)
        let result = try await AgentProcess.run([
            "generate", "--target", "127.0.0.1", "--tcp-ports", String(echo.tcpPort), "--udp-ports", String(echo.udpPort),
            "--metrics-port", "0", "--rate", "50", "--max-duration", "300ms", "--min-duration", "100ms", "--time-limit", "1500ms",
            "--report-to", "team/reported", "--agent-name", "reported-generator-0", "--report-interval", "200ms",
            "--kubeconfig", kubeconfig,
        ])
        #expect(result.code == 0, "\(result.err.suffix(1500))")
        let patches = server.store.requests.filter { $0.method == "PATCH" && $0.path.hasSuffix("/reported/status") }.count
        #expect(patches >= 4, "reports every 200 ms over 1.5 s, plus the last one")
        let flowTest: FlowTest = try await client.get(.flowTests, namespace: "team", name: "reported")
        let report = try #require(flowTest.status?.agents?["reported-generator-0"])
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
