import FakeKubernetes
import FlowTestShared
import Foundation
import Testing

/// The traffic-mix example run as a user runs it: on free ports, and on the well-known ports as
/// a non-root process, the way the echo runs in its pod.
@Suite("Traffic mix: whole runs of examples/traffic-mix.yaml", .serialized, .timeLimit(.minutes(3)))
struct TrafficMixRunTests {
    static let example = RepositoryFile.root.appendingPathComponent("examples/traffic-mix.yaml").path

    private func status(_ json: String) throws -> FlowTestStatus {
        struct Document: Decodable { var status: FlowTestStatus }
        return try JSONDecoder().decode(Document.self, from: Data(json.utf8)).status
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

    @Test func theExampleOnFreePortsReportsEveryPattern() async throws {
        let result = try await AgentProcess.run(["run", Self.example, "--any-ports", "--duration", "4s", "-o", "json", "--quiet"])
        #expect(result.code == 0, "\(result.err.suffix(2000))")
        try checkPatterns(try status(result.out))
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
