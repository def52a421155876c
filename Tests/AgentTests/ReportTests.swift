import FakeKubernetes
import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `flowtest-agent report`: the HTML page and its charts, as built and as the real binary
/// writes them, and the one-line errors for input that is not a FlowTest with figures.
@Suite("Report: one self-contained HTML page from a FlowTest's status", .timeLimit(.minutes(2)))
struct ReportTests {
    /// The sections a report always has, in order.
    static let sections = ["verdict", "flows", "active", "rtt", "failures", "udp", "throughput", "agents", "outages"]

    /// Every `<svg>…</svg>` of a page.
    static func charts(_ html: String) -> [String] {
        var charts: [String] = []
        var rest = html[...]
        while let open = rest.range(of: "<svg "), let close = rest.range(of: "</svg>", range: open.upperBound..<rest.endIndex) {
            charts.append(String(rest[open.lowerBound..<close.upperBound]))
            rest = rest[close.upperBound...]
        }
        return charts
    }

    /// Whether `svg` is well-formed XML: an unescaped name would break it.
    static func isWellFormed(_ svg: String) -> Bool {
        XMLParser(data: Data(svg.utf8)).parse()
    }

    @Test func namesReasonsAndPeersAreEscaped() throws {
        var (flowTest, status) = ReportFixtures.cluster()
        let copied = status.agents?["upgrade-canary-generator-0"]
        status.agents?[ReportFixtures.hostile] = copied
        let html = HTMLReport(flowTest: flowTest, status: status, unreadableAgents: [ReportFixtures.hostile]).html()
        #expect(!html.contains("<script"), "no markup from the status survives")
        #expect(!html.contains(ReportFixtures.hostile))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;quoted&quot;"))
        let charts = Self.charts(html)
        #expect(charts.count == 10, "flows, active, rtt, failures, udp loss and jitter, throughput, agents, outages of both timelines: \(charts.count)")
        for chart in charts { #expect(Self.isWellFormed(chart), "\(chart.prefix(300))") }
        // The hostile reason is a bar and the hostile peer a row of the timeline, escaped in both.
        let failures = try #require(charts.first { $0.contains("data-chart=\"failures\"") })
        #expect(failures.contains("&lt;script&gt;"))
        let outages = try #require(charts.first { $0.contains("data-chart=\"outages\"") })
        #expect(outages.contains("&lt;script&gt;") && outages.contains("10.0.0.7:8080"))
        let fresh = try #require(charts.first { $0.contains("data-chart=\"new-connection-outages\"") })
        #expect(fresh.contains("&lt;script&gt;") && fresh.contains("10.0.0.8:8080") && !fresh.contains("10.0.0.7:8080"))
    }

    /// The two timelines apart, each under a heading that states its resolution, the new
    /// connections' with its own figures and intervals.
    @Test func bothTimelinesAreDrawnApartEachWithItsResolution() throws {
        let (flowTest, status) = ReportFixtures.cluster()
        let html = HTMLReport(flowTest: flowTest, status: status).html()
        let established = try #require(html.range(of: "<h3>Established connections, resolution 10 ms</h3>"))
        let fresh = try #require(html.range(of: "<h3>New connections, 10/s, resolution 100 ms</h3>"))
        #expect(established.upperBound < fresh.lowerBound)
        #expect(html[fresh.upperBound...].hasPrefix("<svg class=\"chart\" data-chart=\"new-connection-outages\""))
        #expect(html.contains("48 of 1,800 failed (refused 48)"), "three generators' probes summed")
        #expect(html.contains("<td>1500 ms</td><td>6</td><td>refused 6</td>"), "its interval: 1.5 s, two destinations of three generators")
        // Without probes (agents before them), the chart says so instead of showing nothing.
        var unprobed = status
        unprobed.disruption?.newConnections = nil
        let without = HTMLReport(flowTest: flowTest, status: unprobed).html()
        #expect(without.contains("not probed: no new-connection timeline in this status") && Self.charts(without).count == 10)
    }

    @Test func aTestWithFailuresShowsWhatFailedAndWhoStandsOut() throws {
        let (flowTest, status) = ReportFixtures.cluster()
        let report = HTMLReport(flowTest: flowTest, status: status)
        let html = report.html()
        let positions = Self.sections.map { html.range(of: "<section id=\"\($0)\">")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "every section")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "in order")
        #expect(html.contains("badge fail"))
        #expect(html.contains("<tr class=\"missed\"><td>spec.thresholds.maxFailedFlowsPercent</td>"))
        #expect(html.contains("<tr class=\"missed\"><td>spec.thresholds.maxRTTP99</td>"))
        #expect(html.contains("<tr class=\"missed\"><td>spec.thresholds.maxUDPLossPercent</td>"))
        // The slow generator and the starved echo pod stand out; the others do not.
        #expect(report.agents.oddOnesOut.keys.sorted() == ["upgrade-canary-echo-1", "upgrade-canary-generator-2"], "\(report.agents.oddOnesOut)")
        #expect(html.contains("<tr class=\"odd\"><td>upgrade-canary-generator-2</td>"))
        let failures = try #require(Self.charts(html).first { $0.contains("data-chart=\"failures\"") })
        #expect(failures.contains("timeout: 600 flows"), "timeouts of all three generators, as a bar with its tooltip")
        // Three generators' series merged: 198 flows started a second, in every full step.
        let flows = try #require(Self.charts(html).first { $0.contains("data-chart=\"flows\"") })
        #expect(flows.contains("started at 10.4 s: 198 flows/s"))
        #expect(flows.contains("failed at 35.4 s: 62 flows/s"), "60 + 1 + 1 in the bad steps")
        let timeline = try #require(report.timeline)
        #expect(timeline.rttP99.compactMap(\.value).max() ?? 0 > 50, "the slow steps' round trips")
        #expect(timeline.active.compactMap(\.value).max() == 300)
    }

    /// A status written by agents without time series (or none yet): every chart still drawn,
    /// each saying why it has no lines.
    @Test func aStatusWithoutTimeSeriesStillHasEverySection() {
        var (flowTest, status) = ReportFixtures.cluster()
        for (name, var agent) in status.agents ?? [:] {
            for key in agent.incarnations.keys { agent.incarnations[key]?.timeline = nil }
            status.agents?[name] = agent
        }
        status.disruption = nil
        let html = HTMLReport(flowTest: flowTest, status: status).html()
        let charts = Self.charts(html)
        #expect(charts.count == 10)
        #expect(charts.filter { $0.contains("no time series in this status") }.count == 6, "flows, active, rtt, udp ×2, throughput")
        #expect(html.contains("not measured: only the continuous pattern measures outages"))
        for chart in charts { #expect(Self.isWellFormed(chart)) }
    }

    @Test func lineChartsLeaveGapsAndDrawNothingWithoutValues() {
        let frame = ChartFrame(id: "test", label: "test")
        let gap = LineChart(frame: frame, unit: "ms", series: [.init(name: "p99", points: [(1, 2), (2, nil), (3, 4), (4, 5)])]).svg()
        #expect(gap.components(separatedBy: "<polyline").count == 3, "two runs around the gap")
        #expect(gap.components(separatedBy: "<circle").count == 4, "a dot for each value")
        let empty = LineChart(frame: frame, unit: "ms", series: [.init(name: "p99", points: [(1, nil)])], emptyMessage: "nothing here").svg()
        #expect(!empty.contains("<polyline") && empty.contains("nothing here"))
        #expect(Self.isWellFormed(gap) && Self.isWellFormed(empty))
    }

    @Test func scalesEndAtRoundValuesAndTheTimeAxisWhereTheRunEnded() {
        #expect(ChartScale.linear(maximum: 117).upper == 150)
        #expect(ChartScale.linear(maximum: 117).ticks == [0, 50, 100, 150])
        #expect(ChartScale.linear(maximum: 0).upper == 1)
        let time = ChartScale.time(maximum: 10.06)
        #expect(time.upper == 10.06 && time.ticks == [0, 2, 4, 6, 8, 10])
        #expect(ChartScale.time(maximum: 600).ticks.allSatisfy { $0.truncatingRemainder(dividingBy: 60) == 0 })
        let log = ChartScale.logarithmic([0.143, 115])
        #expect(log.ticks == [0.1, 1, 10, 100, 1000])
    }

    /// The real binary, on statuses recorded from real runs: one page, nothing fetched.
    @Test(arguments: ReportFixtures.recorded)
    func theAgentWritesAReportOfARecordedStatus(fixture: String) async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).html").path
        let result = try await AgentProcess.run(["report", ReportFixtures.path(fixture), "--output", output])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.isEmpty && result.err.isEmpty)
        let html = try String(contentsOfFile: output, encoding: .utf8)
        for section in Self.sections { #expect(html.contains("<section id=\"\(section)\">"), "\(section)") }
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href=") && !html.contains("@import"), "self-contained")
        #expect(html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").range(of: "https?://", options: .regularExpression) == nil)
        for chart in Self.charts(html) { #expect(Self.isWellFormed(chart)) }
        // From standard input, as `kubectl get flowtest NAME -o json | flowtest-agent report -` runs.
        let piped = try await AgentProcess.runTool("sh", ["-c", "\"$0\" report - < \"$1\"", AgentProcess.executable.path, ReportFixtures.path(fixture)])
        #expect(piped.code == 0 && piped.out == html)
    }

    @Test func theRecordedFailureShowsItsFailuresAndMissedThreshold() throws {
        let input = try ReportFixtures.load("failures.yaml")
        let html = HTMLReport(flowTest: input.flowTest, status: input.status).html()
        #expect(html.contains("<tr class=\"missed\"><td>spec.thresholds.maxFailedFlowsPercent</td>"))
        #expect(html.contains("<tr class=\"met\"><td>spec.thresholds.minFlowsCompleted</td><td>500</td><td>740</td><td>met</td></tr>"))
        #expect(html.contains("refused: "), "a bar for the refused flows")
        #expect(input.flowTest.metadata.namespace == "staging")
    }

    static let badInputs: [(name: String, content: String?, expected: String)] = [
        ("missing", nil, "cannot read the file"),
        ("empty", "", "empty input"),
        ("garbage", "{ not: [yaml", "not YAML or JSON"),
        ("pod", "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n", "not a FlowTest: kind \"Pod\""),
        ("list", "apiVersion: v1\nkind: List\nitems: []\n", "a list with no FlowTest; expected one FlowTest and its reports"),
        ("scalar", "42", "not a FlowTest: expected an object"),
        ("no-status", "apiVersion: flowtest.dev/v1alpha1\nkind: FlowTest\nmetadata: {name: x}\nspec: {flows: {rate: 10}}\n", "status: missing"),
        ("no-figures", "apiVersion: flowtest.dev/v1alpha1\nkind: FlowTest\nmetadata: {name: x}\nspec: {flows: {rate: 10}}\nstatus: {phase: Pending}\n", "status has no figures"),
        ("bad-spec", "apiVersion: flowtest.dev/v1alpha1\nkind: FlowTest\nmetadata: {name: x}\nspec: {flows: {rate: 0}}\nstatus: {phase: Pending}\n", "spec.flows.rate"),
    ]

    @Test(arguments: badInputs.map(\.name))
    func badInputGetsOneLineAndExitCode2(name: String) async throws {
        let input = try #require(Self.badInputs.first { $0.name == name })
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-input-\(UUID().uuidString).yaml").path
        if let content = input.content { try content.write(toFile: path, atomically: true, encoding: .utf8) }
        let result = try await AgentProcess.run(["report", path])
        #expect(result.code == 2)
        #expect(result.out.isEmpty)
        let lines = result.err.split(separator: "\n")
        #expect(lines.count == 1, "\(result.err)")
        #expect(result.err.hasPrefix("flowtest-agent: error: \(path): ") && result.err.contains(input.expected), "\(result.err)")
    }

    @Test func anOutputThatCannotBeWrittenIsOneLineAndExitCode1() async throws {
        let result = try await AgentProcess.run(["report", ReportFixtures.path("quickstart.yaml"), "-o", "/nonexistent-directory/report.html"])
        #expect(result.code == 1)
        #expect(result.err.split(separator: "\n").count == 1 && result.err.contains("cannot write the report to /nonexistent-directory/report.html"), "\(result.err)")
    }
}
