import FakeKubernetes
import FlowTestShared
import Foundation
import Testing

/// `kubectl get flowtestreports`, with the real kubectl against the fake API server: discovery
/// resolves the kind's names and the CRD's printer columns make one useful line per agent.
@Suite("kubectl shows FlowTestReports", .serialized)
struct KubectlReportTests {
    @Test func kubectlGetListsOneLinePerAgentOfTheTest() async throws {
        let server = try await FakeAPIServer.start()
        let client = KubernetesClient(configuration: server.configuration(namespace: "team"), retry: .init(attempts: 2, initialBackoff: .milliseconds(20)))
        let kubectl = try Kubectl(server: server, token: "user", namespace: "team")
        defer { kubectl.remove() }
        do {
            for flowTest in ["quick", "other"] {
                let owner = try await client.create(.flowTests, namespace: "team", FlowTest(metadata: ObjectMeta(name: flowTest), spec: FlowTestSpec(flows: FlowsSpec(rate: 10))))
                var report = AgentReport(startTime: "2026-12-06T01:00:00.250Z", reportTime: Date().ISO8601Format(), finished: flowTest == "quick")
                report.tcp = TrafficCounters()
                report.tcp?.flowsStarted = 40
                report.tcp?.flowsFailed = 3
                report.rtt = LatencyHistogram()
                report.rtt?.record(nanoseconds: 1_500_000)
                _ = try await client.create(.flowTestReports, namespace: "team", FlowTestReport.first(
                    pod: "\(flowTest)-generator-0", namespace: "team", flowTest: flowTest, flowTestUID: owner.metadata.uid ?? "", role: .generator,
                    incarnation: "0c958154-mi8x2k3a", report: report))
            }
            let listed = try await kubectl.run(["get", "flowtestreports", "-l", "flowtest.dev/name=quick"])
            #expect(listed.code == 0, "\(listed.err)")
            let lines = listed.out.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            #expect(lines.first == ["NAME", "ROLE", "STARTED", "FAILED", "P99-MS", "FINISHED", "REPORTED", "AGE"], "\(listed.out)")
            #expect(lines.count == 2, "only the quick test's agent: \(listed.out)")
            let row = lines.dropFirst().first ?? []
            #expect(Array(row.prefix(6)) == ["quick-generator-0", "generator", "40", "3", "1.5", "true"], "\(listed.out)")
            #expect(row.count == 8 && row[6].hasSuffix("s"), "seconds since the report: \(listed.out)")
            let wide = try await kubectl.run(["get", "ftr", "-o", "wide"])
            #expect(wide.code == 0, "\(wide.err)")
            #expect(wide.out.contains("INCARNATION") && wide.out.contains("FLOWTEST") && wide.out.contains("0c958154-mi8x2k3a"), "\(wide.out)")
            #expect(wide.out.split(separator: "\n").count == 3, "both tests' agents: \(wide.out)")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
