import FakeKubernetes
import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

#if canImport(Glibc)
import Glibc
#endif

/// `flowtest-agent run`: whole FlowTests on this machine, as a user runs them.
@Suite("Local mode: FlowTest files run on one machine", .serialized, .timeLimit(.minutes(3)))
struct LocalRunTests {
    static let repository = RepositoryFile.root

    static func examples() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: repository.appendingPathComponent("examples").path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
    }

    private func temporaryManifest(_ yaml: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowtest-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func status(_ json: String) throws -> FlowTestStatus {
        try LocalRunOutput.status(json)
    }

    /// The example as written, less the thresholds that measure the machine rather than the
    /// code: its round-trip ceiling, its UDP loss (a late echo counts as lost) and, for the
    /// continuous pattern, its outage limits. They are meant for release builds in a cluster; this
    /// suite runs the debug build, about ten times slower per datagram, on a machine that may be
    /// busy (the examples run side by side, and CI builds run beside the suite), and then echoes
    /// come late and outages are "found" that no failure caused. The thresholds themselves are
    /// tested elsewhere against failures made on purpose.
    private func withoutTimingThresholds(_ example: String) throws -> String {
        var flowTest = try FlowTestFile.load(example)
        flowTest.spec.thresholds?.maxRTTP99 = nil
        flowTest.spec.thresholds?.maxUDPLossPercent = nil
        flowTest.spec.thresholds?.maxOutage = nil
        flowTest.spec.thresholds?.maxDisruptedSeconds = nil
        if flowTest.spec.flows.pattern == .continuous { flowTest.spec.flows.responseTimeout = "1s" }
        return try temporaryManifest(String(decoding: try JSONEncoder().encode(flowTest), as: UTF8.self))
    }

    @Test(arguments: try examples())
    func everyExampleRunsAndSucceeds(example: String) async throws {
        let path = try withoutTimingThresholds(Self.repository.appendingPathComponent("examples/\(example)").path)
        let result = try await AgentProcess.run(["run", path, "--any-ports", "--duration", "3s", "-o", "json", "--quiet"])
        #expect(result.code == 0, "\(result.err.suffix(2000))")
        let status = try status(result.out)
        #expect(status.phase == .succeeded)
        #expect(status.conditions?.first { $0.type == "Succeeded" }?.status == "True")
        let summary = try #require(status.summary)
        #expect(summary.flowsStarted > 0 && summary.flowsCompleted > 0)
        #expect(summary.rttP50Milliseconds ?? 0 > 0)
        #expect(status.agents?.values.filter { $0.role == .generator }.count == Int(try FlowTestFile.load(path).spec.generators.replicas))
        #expect(result.err.contains("Phase"), "the human table is on stderr")
    }

    @Test func anImpossibleThresholdFailsWithExitCode1AndSaysWhich() async throws {
        let path = try temporaryManifest("""
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: too-strict}
            spec:
              duration: 2s
              flows: {rate: 20, maxConcurrent: 5, messageInterval: 20ms}
              thresholds: {maxRTTP99: 1ns}
            """)
        let result = try await AgentProcess.run(["run", path, "--any-ports", "--quiet"])
        #expect(result.code == 1)
        #expect(result.out.contains("phase: Failed"))
        #expect(result.out.contains("reason: RTTAboveThreshold"))
        #expect(result.out.contains("spec.thresholds.maxRTTP99 is 1ns"))
    }

    @Test(arguments: [
        ("spec:\n  flows: {rate: 0}", "spec.flows.rate: Invalid value: 0"),
        ("spec:\n  flows: {rate: 10, protocol: icmp}", #"spec.flows.protocol: Unsupported value: "icmp""#),
        ("spec:\n  flows: {rate: 10, minDuration: 9s, maxDuration: 1s}", "spec.flows.minDuration: Invalid value: minDuration must not be longer than maxDuration"),
        ("spec:\n  flows: {rate: 10, payload: {size: 4000}}", "spec.flows.payload: Invalid value: UDP payloads must fit the MTU"),
        ("spec:\n  flows: {rate: 10}\n  target: {mode: External}", "spec.target.host: Invalid value: target.host is required"),
        ("spec:\n  flows: {rate: 10, rat: 3}", "spec.flows.rat: Unknown field"),
        ("spec: [not, a, mapping", "not valid YAML"),
        ("spec:\n  flows: {rate: 10, pattern: continuous}\n  thresholds: {maxOutage: soon}", #"spec.thresholds.maxOutage: Invalid value: "soon""#),
        ("spec:\n  flows: {rate: 10, pattern: continuous}\n  flowCount: 5", "spec.flowCount: Invalid value: flowCount does not apply to the continuous pattern"),
        ("spec:\n  flows: {rate: 10}\n  thresholds: {maxDisruptedSeconds: 1}", "spec.thresholds: Invalid value: thresholds.maxOutage and maxDisruptedSeconds need flows.pattern continuous"),
    ])
    func invalidFilesExitWith2NamingTheField(body: String, expected: String) async throws {
        let path = try temporaryManifest("apiVersion: flowtest.dev/v1alpha1\nkind: FlowTest\nmetadata: {name: bad}\n" + body)
        let result = try await AgentProcess.run(["run", path, "--any-ports"])
        #expect(result.code == 2)
        #expect(result.err.contains("\(path): \(expected)"), "\(result.err)")
        #expect(result.out.isEmpty)
    }

    /// Local mode against an echo of its own (External target), killed and restarted half a
    /// second later: the outage is on the progress lines as it ends, in the final table and in
    /// the status, and a maxOutage shorter than it fails the run.
    @Test func aContinuousRunRecordsAnEchoOutageAndItsVerdictFollowsMaxOutage() async throws {
        let port = try await FreePort.tcp()
        let echoArguments = ["echo", "--bind-address", "127.0.0.1", "--tcp-ports", String(port), "--udp-ports", String(port)]
        let (firstMetrics, secondMetrics) = (try await FreePort.tcp(), try await FreePort.tcp())
        var echo = try AgentProcess(echoArguments + ["--metrics-port", String(firstMetrics)])
        try await AgentProcess.waitUntilReady(metricsPort: firstMetrics)
        let path = try temporaryManifest("""
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: outage}
            spec:
              duration: 7s
              flows: {protocol: both, pattern: continuous, rate: 100, maxConcurrent: 6, messageInterval: 10ms, responseTimeout: 1s}
              ports: {tcp: [\(port)], udp: [\(port)]}
              target: {mode: External, host: 127.0.0.1}
              thresholds: {maxOutage: 100ms}
            """)
        let run = try AgentProcess(["run", path, "-o", "json", "--metrics-port", "0"])
        try await Task.sleep(for: .milliseconds(1500))
        let killedAt = Int64(Date().timeIntervalSince1970 * 1e9)
        echo.signal(SIGKILL)
        _ = await echo.finish()
        try await Task.sleep(for: .milliseconds(500))
        echo = try AgentProcess(echoArguments + ["--metrics-port", String(secondMetrics)])
        try await AgentProcess.waitUntilReady(metricsPort: secondMetrics)
        let readyAt = Int64(Date().timeIntervalSince1970 * 1e9)
        let result = await run.finish()
        echo.signal(SIGTERM)
        _ = await echo.finish()
        #expect(result.code == 1, "\(result.err.suffix(2000))")
        let status = try status(result.out)
        #expect(status.phase == .failed)
        #expect(status.conditions?.first { $0.type == "Failed" }?.reason == "OutageAboveThreshold")
        let disruption = try #require(status.disruption)
        #expect(disruption.intervals.count == 1, "\(disruption.intervals.map(\.description))")
        let interval = try #require(disruption.intervals.first)
        #expect(interval.outages == 6 && interval.peers == ["127.0.0.1:\(port)"])
        #expect(interval.start >= killedAt - 1_000_000_000 && interval.start <= killedAt + 100_000_000)
        #expect(interval.end >= killedAt + 500_000_000 && interval.end <= readyAt + 1_000_000_000)
        #expect(interval.reconnects >= 3, "the 3 TCP flows reconnected")
        // As it happened, and at the end, for people.
        let startClock = OutageInterval.timeText(interval.start).dropFirst(11).dropLast()
        #expect(result.err.contains("       outage \(startClock) → "), "a progress line as it ended: \(result.err.suffix(3000))")
        // New connections (10/s by default, TCP and UDP in turn to the one port: each every
        // 200 ms) were refused while the echo was gone: a timeline of their own, in the status
        // and in the table, each timeline with its resolution.
        let fresh = try #require(disruption.newConnections)
        #expect(fresh.resolutionMilliseconds == 200 && disruption.resolutionMilliseconds == 10)
        #expect(fresh.failures >= 1 && fresh.failures < fresh.attempts && !fresh.intervals.isEmpty, "\(fresh)")
        #expect(fresh.intervals.allSatisfy { $0.start >= killedAt - 1_000_000_000 && $0.end <= readyAt + 2_000_000_000 }, "\(fresh.intervals.map(\.description))")
        #expect(result.err.contains("Disruption       established connections, resolution 10 ms: "), "\(result.err.suffix(2000))")
        #expect(result.err.contains("New connections  10/s, resolution 200 ms: \(fresh.failures) of \(fresh.attempts) failed"))
    }

    @Test func sigintStopsTheRunAndStillPrintsThePartialStatus() async throws {
        let path = try temporaryManifest("""
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: long}
            spec:
              duration: 10m
              flows: {rate: 50, maxConcurrent: 50, pattern: constant}
            """)
        let metricsPort = try await FreePort.tcp()
        let run = try AgentProcess(["run", path, "--any-ports", "--metrics-port", String(metricsPort), "-o", "json"])
        try await AgentProcess.waitUntilReady(metricsPort: metricsPort)
        try await Task.sleep(for: .seconds(1.5))
        // The local run serves the same metrics as the agents in a cluster, for a local Prometheus.
        let scraped = PrometheusText(try await HTTPGet.fetch("http://127.0.0.1:\(metricsPort)/metrics").body)
        #expect(try #require(scraped.value("flowtest_flows_started_total", ["protocol": "tcp"])) > 10)
        #expect(scraped.value("flowtest_echo_connections_accepted_total", ["protocol": "tcp"]) != nil)
        run.signal(SIGINT)
        let result = await run.finish()
        #expect(result.code == 130)
        let status = try status(result.out)
        #expect(status.phase == .running)
        #expect(status.conditions?.first { $0.type == "Succeeded" }?.reason == "Interrupted")
        let summary = try #require(status.summary)
        #expect(summary.flowsStarted > 50)
        // Flows ended by the interrupt are counted, not lost.
        #expect(summary.flowsStarted == summary.flowsCompleted + summary.flowsFailed)
    }
}
