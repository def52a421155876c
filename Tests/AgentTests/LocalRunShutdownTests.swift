import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM ends a local run within its documented bound (`LocalRun.shutdownBound`, README's
/// local mode) whatever its InfluxDB export is doing and whether anyone reads its output, and
/// the run's figures still come out: the status on stdout when it is read, the `--report` file
/// always.
@Suite("Local mode: SIGTERM ends a run within its bound", .serialized, .timeLimit(.minutes(2)))
struct LocalRunShutdownTests {
    /// A light run that would last ten minutes: only the signal ends it.
    static let manifest = """
        apiVersion: flowtest.dev/v1alpha1
        kind: FlowTest
        metadata: {name: bounded}
        spec:
          duration: 10m
          flows: {protocol: tcp, pattern: constant, rate: 20, maxConcurrent: 10}
        """

    /// The state a run is in when the signal comes.
    struct Case: Sendable, CustomStringConvertible {
        var influxDB: MisbehavingInfluxDB.Behaviour
        var outputRead: Bool

        var description: String { "InfluxDB \(influxDB.rawValue), output \(outputRead ? "read" : "not read")" }
    }

    static let cases = [
        Case(influxDB: .answers401ThenGoes, outputRead: true),
        Case(influxDB: .gone, outputRead: true),
        Case(influxDB: .silent, outputRead: true),
        Case(influxDB: .answers401ThenGoes, outputRead: false),
        Case(influxDB: .silent, outputRead: false),
    ]

    /// Every case at once: the suite then takes one bound rather than five, and five debug-build
    /// runs on two cores are the busy machine the bound must hold on.
    @Test func sigtermEndsARunWithinItsBoundWhateverItsExportAndOutputAreDoing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtest-shutdown-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = directory.appendingPathComponent("bounded.yaml").path
        try Self.manifest.write(toFile: manifest, atomically: true, encoding: .utf8)
        try await withThrowingDiscardingTaskGroup { group in
            for (index, run) in Self.cases.enumerated() {
                group.addTask { try await Self.check(run, manifest: manifest, report: directory.appendingPathComponent("report-\(index).html").path) }
            }
        }
    }

    private static func check(_ run: Case, manifest: String, report: String) async throws {
        let server = try await MisbehavingInfluxDB.start(run.influxDB)
        let metricsPort = try await FreePort.tcp()
        // Room for the lines a run writes as it starts; its later lines fill the pipe.
        let unread = run.outputRead ? nil : try UnreadPipe(room: 1024)
        let agent = try AgentProcess(
            [
                "run", manifest, "--any-ports", "--metrics-port", String(metricsPort), "-o", "json", "--report", report,
                "--influxdb-url", server.url, "--influxdb-database", "flowtest", "--influxdb-interval", "200ms",
            ], unread: unread)
        async let output = run.outputRead ? agent.finish() : nil
        try await AgentProcess.waitUntilReady(metricsPort: metricsPort)
        try await reachState(run, server: server, unread: unread)

        agent.signal(SIGTERM)
        let signalled = ContinuousClock.now
        let exited = await exit(of: agent, before: signalled + LocalRun.shutdownBound)
        let elapsed = ContinuousClock.now - signalled
        if !exited {
            agent.signal(SIGKILL)
            _ = await exit(of: agent, before: .now + .seconds(5))
        }
        await server.stop()
        unread?.closeReadEnd()
        let result = await output
        try #require(exited, "\(run): still running \(LocalRun.shutdownBound) after SIGTERM")
        #expect(elapsed < LocalRun.shutdownBound, "\(run)")
        #expect(agent.process.terminationReason == .exit && agent.process.terminationStatus == 130, "\(run): \(agent.process.terminationReason.rawValue) \(agent.process.terminationStatus)")
        // The figures are not lost: the report is written whatever the output's reader does.
        let html = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        #expect(html.contains("bounded"), "\(run): no report at \(report)")
        if let result {
            struct Document: Decodable { var status: FlowTestStatus }
            let status = try JSONDecoder().decode(Document.self, from: Data(result.out.utf8)).status
            #expect(status.conditions?.first { $0.type == "Succeeded" }?.reason == "Interrupted", "\(run)")
            #expect((status.summary?.flowsStarted ?? 0) > 0, "\(run)")
            #expect(result.err.contains("InfluxDB export finished"), "\(run): the export's final flush ended on its own: \(result.err.suffix(1500))")
        }
    }

    /// Waits until the run is in the state the case is about, so that the test cannot pass by
    /// signalling before it.
    private static func reachState(_ run: Case, server: MisbehavingInfluxDB, unread: UnreadPipe?) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        switch run.influxDB {
        case .answers401ThenGoes:
            while server.writesRefused == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            try #require(server.writesRefused > 0, "\(run): no write was answered 401")
        case .silent:
            while server.connectionsAccepted == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            try #require(server.connectionsAccepted > 0, "\(run): no write reached the server")
        case .gone:
            break
        }
        // A write or two against a server that refuses or has one in flight.
        try await Task.sleep(for: .seconds(1))
        guard let unread else { return }
        // Full: nothing more gets in while the run writes lines every second (progress, retries).
        var last = (bytes: unread.buffered, since: ContinuousClock.now)
        while ContinuousClock.now < deadline {
            let bytes = unread.buffered
            if bytes != last.bytes { last = (bytes, .now) }
            if bytes > UnreadPipe.capacity - 300, ContinuousClock.now - last.since > .seconds(1.5) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("\(run): the pipe never filled (\(unread.buffered) of \(UnreadPipe.capacity) bytes)")
    }

    /// Whether the process has exited before `deadline`.
    private static func exit(of agent: AgentProcess, before deadline: ContinuousClock.Instant) async -> Bool {
        while agent.process.isRunning {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}
