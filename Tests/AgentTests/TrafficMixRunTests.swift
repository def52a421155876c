import FakeKubernetes
import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

/// The traffic-mix example run as a user runs it: on free ports, and on the well-known ports as
/// a non-root process, the way the echo runs in its pod.
@Suite("Traffic mix: whole runs of examples/traffic-mix.yaml", .serialized, .timeLimit(.minutes(3)))
struct TrafficMixRunTests {
    static let example = RepositoryFile.root.appendingPathComponent("examples/traffic-mix.yaml").path

    private func status(_ json: String) throws -> FlowTestStatus {
        try LocalRunOutput.status(json)
    }

    /// Every pattern of the example has figures of its own, and their shapes show: web and ftp
    /// download more than they upload, smtp and the custom kafka upload more.
    private func checkPatterns(_ status: FlowTestStatus) throws {
        let patterns = try #require(status.summary?.patterns)
        #expect(Set(patterns.keys) == ["web", "dns", "database", "ssh", "smtp", "ftp", "kafka"])
        for (name, figures) in patterns {
            #expect(figures.flowsStarted > 0 && figures.flowsCompleted > 0, "\(name): \(figures)")
            #expect(figures.rttP50Milliseconds ?? 0 > 0, "\(name)")
        }
        for name in ["web", "ftp"] { #expect(patterns[name]!.bytesReceived > patterns[name]!.bytesSent, "\(name)") }
        for name in ["smtp", "kafka"] { #expect(patterns[name]!.bytesSent > patterns[name]!.bytesReceived, "\(name)") }
        #expect(patterns.values.map(\.flowsStarted).reduce(0, +) == status.summary?.flowsStarted)
        let echo = status.agents?["traffic-mix-echo-0"]?.latest?.listeners ?? []
        #expect(echo.map(\.sizedResponses).reduce(0, +) > 0)
        #expect(echo.map(\.malformedRequests).reduce(0, +) == 0)
    }

    /// The run's status, and the HTML report made from it: a "Traffic patterns" section after
    /// the failures, a row and a p99 bar per pattern. A run without a mix has no such section.
    @Test func theExampleOnFreePortsReportsEveryPattern() async throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("mix-\(UUID()).html").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let result = try await AgentProcess.run(["run", Self.example, "--any-ports", "--duration", "4s", "-o", "json", "--quiet", "--report", report])
        #expect(result.code == 0, "\(result.err.suffix(2000))")
        let status = try status(result.out)
        try checkPatterns(status)
        // The table on stderr has a line per pattern, under the flows.
        #expect(result.err.contains("  web "), "\(result.err)")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        let failures = try #require(html.range(of: "<section id=\"failures\">"))
        let patterns = try #require(html.range(of: "<section id=\"patterns\"><h2>Traffic patterns</h2>"))
        #expect(failures.lowerBound < patterns.lowerBound)
        for name in status.summary?.patterns?.keys.sorted() ?? [] { #expect(html.contains("<tr><td>\(name)</td>"), "\(name)") }
        let chart = try #require(ReportTests.charts(html).first { $0.contains("data-chart=\"patterns-rtt\"") })
        #expect(ReportTests.isWellFormed(chart))
        let plain = HTMLReport(flowTest: ReportFixtures.cluster().0, status: ReportFixtures.cluster().1).html()
        #expect(!plain.contains("<section id=\"patterns\">"))
    }

    /// A mix with marks: the echo's UDP listeners that judge marks read with recvmsg on a
    /// thread of their own, and still answer a pattern's sized requests with the size asked for.
    @Test func aMarkedMixStillGetsItsSizedResponses() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("marked-mix-\(UUID()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: marked-mix}
            spec:
              duration: 2s
              flows:
                rate: 40
                pattern: constant
                maxConcurrent: 20
                messageInterval: 20ms
                marking: {dscp: AF41}
                mix: [{pattern: dns, weight: 1}, {pattern: web, weight: 1}]
              thresholds: {minMarkedPercent: 100}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await AgentProcess.run(["run", path, "--any-ports", "-o", "json", "--quiet"])
        #expect(result.code == 0, "\(result.err.suffix(2000))")
        let status = try status(result.out)
        let dns = try #require(status.summary?.patterns?["dns"])
        #expect(dns.flowsCompleted > 0 && dns.flowsFailed == 0, "\(dns)")
        #expect(dns.bytesReceived > dns.bytesSent, "dns answers (64-512 bytes) are larger than its queries (32-100)")
        let udp = (status.agents?["marked-mix-echo-0"]?.latest?.listeners ?? []).filter { $0.protocol == .udp }
        #expect(udp.map(\.sizedResponses).reduce(0, +) == UInt64(dns.flowsCompleted), "one query per dns flow: \(udp)")
        #expect(status.summary?.markedPercent == 100)
    }

    /// In a network namespace of its own, as uid 65534 with no capabilities: the echo binds 443,
    /// 53, 22, 20 and the rest once `ip_unprivileged_port_start` is lowered there (what the
    /// controller sets in the echo pod), and without it the run stops at once, saying which port
    /// and which sysctl.
    @Test func aNonRootRunBindsWellKnownPortsOnlyWhereTheSysctlAllows() async throws {
        let namespace = "ft-mix-\(UInt32.random(in: 0...UInt32.max))"
        func ip(_ arguments: [String]) async throws -> (code: Int32, out: String, err: String) {
            try await AgentProcess.runTool("ip", arguments)
        }
        let created = try await ip(["netns", "add", namespace])
        try #require(created.code == 0, "ip netns add: \(created.err)")
        defer { _ = try? Process.run(URL(fileURLWithPath: "/usr/sbin/ip"), arguments: ["netns", "delete", namespace]).waitUntilExit() }
        #expect(try await ip(["netns", "exec", namespace, "ip", "link", "set", "lo", "up"]).code == 0)
        let asNobody = [
            "netns", "exec", namespace, "setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--inh-caps", "-all",
            "--bounding-set", "-all", AgentProcess.executable.path, "run", Self.example, "--duration", "3s", "-o", "json", "--quiet",
        ]
        let refused = try await ip(asNobody)
        #expect(refused.code == 1)
        let refusal = refused.err
        #expect(refusal.contains("cannot listen on tcp port 443"), "\(refusal)")
        #expect(refusal.contains("ports below net.ipv4.ip_unprivileged_port_start (1024 here) need root"), "\(refusal)")
        #expect(try await ip(["netns", "exec", namespace, "sysctl", "-qw", "net.ipv4.ip_unprivileged_port_start=20"]).code == 0)
        let allowed = try await ip(asNobody)
        #expect(allowed.code == 0, "\(allowed.err.suffix(2000))")
        try checkPatterns(try status(allowed.out))
        let listeners: [EchoListenerStatistics] = try status(allowed.out).agents?["traffic-mix-echo-0"]?.latest?.listeners ?? []
        let tcpPorts = Set(listeners.filter { $0.protocol == .tcp }.map { $0.port })
        let wellKnown: Set<Int> = [443, 80, 22, 3306, 5432, 27017, 6379, 25, 587, 465, 21, 20, 9092]
        #expect(tcpPorts.isSuperset(of: wellKnown), "\(tcpPorts)")
        #expect(listeners.contains { $0.protocol == .udp && $0.port == 53 && $0.sizedResponses > 0 })
    }
}
