import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

#if canImport(Glibc)
import Glibc
#endif

/// Packet marking end to end on loopback: real generator and echo processes, IPv6 and IPv4, marks
/// that survive, marks that are missing or different, and labels the kernel refuses.
@Suite("Marking: DSCP and SciTags flow labels, judged at the echo", .serialized, .timeLimit(.minutes(3)))
struct MarkingTests {
    private func manifest(_ spec: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("marking-\(UUID().uuidString).yaml").path
        let indented = spec.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        try "apiVersion: flowtest.dev/v1alpha1\nkind: FlowTest\nmetadata: {name: marks}\nspec:\n\(indented)\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func status(_ json: String) throws -> FlowTestStatus {
        try LocalRunOutput.status(json)
    }

    @Test(arguments: ["[IPv6]", "[IPv6, IPv4]"])
    func marksSurviveLoopbackAndTheEchoSaysSo(families: String) async throws {
        let path = try manifest("""
            duration: 2s
            flows: {rate: 30, pattern: constant, maxConcurrent: 10, messageInterval: 50ms, seed: 3, marking: {dscp: EF, scitag: {experiment: 65, activity: 2}, fireflies: {}}}
            target: {ipFamilies: \(families)}
            thresholds: {minMarkedPercent: 100}
            """)
        let result = try await AgentProcess.run(["run", path, "--any-ports", "-o", "json", "--quiet"])
        #expect(result.code == 0, "\(result.err.suffix(2000))")
        let status = try status(result.out)
        let summary = try #require(status.summary)
        let marking = try #require(summary.marking)
        #expect(marking.udp.marked > 0 && marking.tcp.marked > 0, "\(marking)")
        #expect(marking.udp.remarked + marking.udp.unmarked + marking.tcp.remarked + marking.tcp.unmarked == 0, "\(marking)")
        // Every UDP datagram and every TCP connection the echo saw was judged.
        #expect(marking.udp.checked == UInt64(summary.echo?.udpDatagramsReceived ?? 0))
        #expect(marking.tcp.checked == UInt64(summary.echo?.tcpConnectionsAccepted ?? 0))
        #expect(marking.flowLabelsRefused == 0)
        // A start and an end per flow, each one datagram to the echo's firefly port.
        #expect(marking.firefliesSent == 2 * UInt64(summary.flowsStarted), "\(marking)")
        #expect(marking.firefliesReceived == marking.firefliesSent, "\(marking)")
        #expect(summary.markedPercent == 100)
        #expect(status.phase == .succeeded)
        // The run's table says so too.
        #expect(result.err.contains("100.00 % marked; UDP datagrams \(marking.udp.marked) marked, 0 re-marked, 0 unmarked"), "\(result.err.suffix(1500))")
    }

    /// Starts an echo that expects `expect` and returns it with its ports.
    private func echo(_ expect: [String]) async throws -> (AgentProcess, tcp: Int, udp: Int) {
        let (tcp, udp, metrics) = (try await FreePort.tcp(), try await FreePort.tcp(), try await FreePort.tcp())
        let echo = try AgentProcess(
            ["echo", "--bind-address", "::1", "--tcp-ports", "\(tcp)", "--udp-ports", "\(udp)", "--metrics-port", "\(metrics)"] + expect)
        try await AgentProcess.waitUntilReady(metricsPort: metrics)
        return (echo, tcp, udp)
    }

    private func generate(to ports: (tcp: Int, udp: Int), _ marks: [String]) async throws {
        let result = try await AgentProcess.run([
            "generate", "--target", "::1", "--tcp-ports", "\(ports.tcp)", "--udp-ports", "\(ports.udp)", "--pattern", "constant",
            "--rate", "20", "--max-concurrent", "10", "--message-interval", "50ms", "--time-limit", "2s", "--metrics-port", "0",
        ] + marks)
        #expect(result.code == 0, "\(result.err.suffix(2000))")
    }

    private func finalMarks(_ echo: AgentProcess) async throws -> MarkingCounts {
        echo.signal(SIGTERM)
        let result = await echo.finish()
        struct Report: Decodable { var marking: MarkingCounts? }
        let line = try #require(result.out.split(separator: "\n").last, "\(result.err.suffix(2000))")
        return try #require(try JSONDecoder().decode(Report.self, from: Data(line.utf8)).marking)
    }

    /// The HTML report of a marked run has a "Packet marking" section after the throughput: a
    /// bar per transport and verdict, and a table with the counts of the status; a run without
    /// marking has none.
    @Test func theReportShowsWhatTheEchoFoundOnArrival() async throws {
        let path = try manifest("""
            duration: 2s
            flows: {rate: 30, pattern: constant, maxConcurrent: 10, messageInterval: 50ms, seed: 3, marking: {dscp: AF41, scitag: {experiment: 65, activity: 2}}}
            target: {ipFamilies: [IPv6]}
            """)
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("marking-\(UUID()).html").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let result = try await AgentProcess.run(["run", path, "--any-ports", "-o", "json", "--quiet", "--report", report])
        #expect(result.code == 0, "\(result.err.suffix(2000))")
        let marking = try #require(try status(result.out).summary?.marking)
        #expect(marking.tcp.marked > 0 && marking.udp.marked > 0, "\(marking)")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        let throughput = try #require(html.range(of: "<section id=\"throughput\">"))
        let section = try #require(html.range(of: "<section id=\"marking\"><h2>Packet marking</h2>"))
        let agents = try #require(html.range(of: "<section id=\"agents\">"))
        #expect(throughput.lowerBound < section.lowerBound && section.lowerBound < agents.lowerBound)
        let body = String(html[section.lowerBound..<agents.lowerBound])
        #expect(body.contains("Expected DSCP AF41 and SciTag 65:2"), "\(body.prefix(600))")
        for (name, tally) in [("TCP connections", marking.tcp), ("UDP datagrams", marking.udp)] {
            let row = "<tr><td>\(name)</td><td>\(ReportFormat.count(tally.marked))</td><td>\(ReportFormat.count(tally.remarked))</td><td>\(ReportFormat.count(tally.unmarked))</td></tr>"
            #expect(body.contains(row), "\(row) in \(body.prefix(1200))")
        }
        let chart = try #require(ReportTests.charts(body).first { $0.contains("data-chart=\"marking\"") })
        #expect(ReportTests.isWellFormed(chart))
        #expect(chart.contains("TCP marked") && chart.contains("UDP marked") && !chart.contains("unmarked"), "only bars with arrivals")
        let plain = HTMLReport(flowTest: ReportFixtures.cluster().0, status: ReportFixtures.cluster().1).html()
        #expect(!plain.contains("<section id=\"marking\">"))
    }

    @Test func missingMarksCountAsUnmarked() async throws {
        let (echo, tcp, udp) = try await echo(["--dscp", "EF", "--scitag", "65:2"])
        // A generator that marks nothing: what a network that bleaches DSCP and labels delivers
        // (the kernel's own flow label arrives instead of the tag).
        try await generate(to: (tcp, udp), [])
        let marks = try await finalMarks(echo)
        #expect(marks.udp.unmarked > 0 && marks.tcp.unmarked > 0, "\(marks)")
        #expect(marks.udp.unmarked == marks.udp.checked && marks.tcp.unmarked == marks.tcp.checked, "\(marks)")
    }

    @Test func bleachedDSCPIsUnmarkedAndOtherMarksAreRemarked() async throws {
        let (echo, tcp, udp) = try await echo(["--dscp", "AF41"])
        try await generate(to: (tcp, udp), [])
        let bleached = try await finalMarks(echo)
        #expect(bleached.udp.unmarked > 0 && bleached.tcp.unmarked > 0, "\(bleached)")
        #expect(bleached.udp.marked + bleached.udp.remarked + bleached.tcp.marked + bleached.tcp.remarked == 0, "\(bleached)")

        let (second, tcp2, udp2) = try await self.echo(["--dscp", "AF41", "--scitag", "65:2"])
        try await generate(to: (tcp2, udp2), ["--dscp", "CS1", "--scitag", "65:2"])
        let remarked = try await finalMarks(second)
        #expect(remarked.udp.remarked > 0 && remarked.tcp.remarked > 0, "\(remarked)")
        #expect(remarked.udp.marked + remarked.udp.unmarked + remarked.tcp.marked + remarked.tcp.unmarked == 0, "\(remarked)")
    }

    @Test func aTestWhoseMarksDidNotSurviveFails() {
        var summary = FlowTestSummary()
        var marking = MarkingCounts()
        marking.udp = MarkTally(marked: 90, remarked: 6, unmarked: 4)
        summary.marking = marking
        summary.markedPercent = marking.markedPercent
        let verdict = ThresholdVerdict(thresholds: ThresholdsSpec(minMarkedPercent: 99), summary: summary)
        #expect(!verdict.passed)
        #expect(verdict.misses.first?.reason == "MarksLost")
        #expect(verdict.misses.first?.message.contains("90 % of arrivals carried the expected marks (UDP 90 marked, 6 re-marked, 4 unmarked") == true)
        #expect(ThresholdVerdict(thresholds: ThresholdsSpec(minMarkedPercent: 90), summary: summary).passed)
        #expect(ThresholdVerdict(thresholds: ThresholdsSpec(minMarkedPercent: 1), summary: FlowTestSummary()).misses.first?.reason == "NoMarksChecked")
    }

    /// With `net.ipv6.flowlabel_state_ranges=1` the kernel keeps labels with bit 19 set for
    /// itself: about half of the flows (one random bit) are refused theirs. Run in a network
    /// namespace of its own, so the machine's setting is never touched.
    @Test func labelsTheKernelRefusesAreCountedAndLogged() async throws {
        let path = try manifest("""
            duration: 2s
            flows: {rate: 30, pattern: constant, maxConcurrent: 10, messageInterval: 50ms, seed: 11, protocol: udp, marking: {scitag: {experiment: 65, activity: 2}}}
            target: {ipFamilies: [IPv6]}
            """)
        let script = "ip link set lo up && sysctl -qw net.ipv6.flowlabel_state_ranges=1 && exec \"$0\" run \"$1\" --any-ports -o json --quiet"
        let result = try await AgentProcess.runTool("unshare", ["-n", "sh", "-c", script, AgentProcess.executable.path, path])
        #expect(result.code == 0, "\(result.err.suffix(2000))")
        let summary = try #require(try status(result.out).summary)
        let marking = try #require(summary.marking)
        // Seed 11 makes the labels, and so the refusals, the same on every run.
        let labels = (0..<UInt64(summary.flowsStarted)).map { flow in
            FlowLabeller(scitag: SciTag(experiment: 65, activity: 2), seed: 11, counters: MarkingCounters(), logger: .init(label: "t"))
                .label(for: flow, to: try! .init(ipAddress: "::1", port: 1))!
        }
        let stateless = UInt64(labels.filter { $0 & 0x8_0000 != 0 }.count)
        #expect(stateless > 0 && stateless < UInt64(summary.flowsStarted))
        #expect(marking.flowLabelsRefused == stateless, "\(marking)")
        // The refused flows still ran, unlabelled: the kernel's own label arrived instead.
        #expect(summary.flowsFailed == 0)
        #expect(marking.udp.marked > 0 && marking.udp.unmarked > 0, "\(marking)")
        #expect(marking.udp.marked + marking.udp.unmarked == marking.udp.checked, "\(marking)")
        #expect(result.err.contains("the kernel refused a flow label") && result.err.contains("flowlabel_state_ranges=1"), "\(result.err.suffix(2000))")
    }
}
