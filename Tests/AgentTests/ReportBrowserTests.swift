import FakeKubernetes
import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

/// The report opened in a real browser (headless Chromium, from disk): every section there,
/// every chart drawn with a size, no script error, and a screenshot taken.
@Suite("Report in a real browser", .serialized, .timeLimit(.minutes(5)))
struct ReportBrowserTests {
    /// What a page reports of itself after load.
    struct Probe: Decodable {
        struct Chart: Decodable {
            var chart: String
            var width: Double
            var height: Double
            /// Lines, dots and bars drawn in it.
            var marks: Int
        }

        var charts: [Chart]
        var sections: [String]
        var errors: [String]
    }

    static let charts = ["flows", "active", "rtt", "failures", "udp-loss", "udp-jitter", "throughput", "agents-rtt", "outages", "new-connection-outages"]
    static let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtest-report-browser")

    /// Error listener first, then after the page: the size of every chart, the sections, and
    /// the errors, written into the document, where `--dump-dom` shows them.
    static func probed(_ html: String) -> String {
        let listen = "<script>window.__flowtestErrors = []; window.addEventListener('error', e => window.__flowtestErrors.push(String(e.message || e)));</script>"
        let measure = """
            <script>(() => {
              const charts = Array.from(document.querySelectorAll('svg.chart')).map(svg => {
                const box = svg.getBoundingClientRect();
                return {chart: svg.getAttribute('data-chart'), width: box.width, height: box.height, marks: svg.querySelectorAll('polyline, circle, rect:not(.plot):not(.key)').length};
              });
              const sections = Array.from(document.querySelectorAll('section')).map(section => section.id);
              const probe = document.createElement('pre');
              probe.id = 'flowtest-probe';
              probe.textContent = JSON.stringify({charts, sections, errors: window.__flowtestErrors});
              document.body.appendChild(probe);
            })();</script>
            """
        return html.replacingOccurrences(of: "<head>", with: "<head>" + listen).replacingOccurrences(of: "</body>", with: measure + "</body>")
    }

    /// Opens `html` in Chromium; returns what the page measured, and takes a screenshot.
    static func open(_ html: String, name: String) async throws -> Probe {
        #expect(!html.contains("<script"), "the report itself runs nothing")
        let browser = try HeadlessChromium.locate()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let page = directory.appendingPathComponent("\(name).html")
        try probed(html).write(to: page, atomically: true, encoding: .utf8)
        let dom = try await browser.dumpDOM(page)
        guard let start = dom.range(of: "<pre id=\"flowtest-probe\">"), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
            throw HarnessTimeout(description: "the page did not run its probe: \(dom.prefix(500))")
        }
        let json = dom[start.upperBound..<end.lowerBound]
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        let png = directory.appendingPathComponent("\(name).png")
        try? FileManager.default.removeItem(at: png)
        try await browser.screenshot(page, to: png)
        let bytes = try Data(contentsOf: png)
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 10_000, "\(png.path): \(bytes.count) bytes")
        return try JSONDecoder().decode(Probe.self, from: Data(json.utf8))
    }

    /// Every section and chart there with a size, and lines, dots or bars in exactly the
    /// charts that have data (the others say why they have none).
    static func check(_ probe: Probe, empty: Set<String>) {
        #expect(probe.errors.isEmpty, "\(probe.errors)")
        #expect(probe.sections == ReportTests.sections)
        #expect(probe.charts.map(\.chart) == Self.charts)
        for chart in probe.charts {
            // A bar chart of one agent is one bar high; every chart is as wide as its section.
            #expect(chart.width > 300 && chart.height > 30, "\(chart.chart): \(chart.width) × \(chart.height)")
            if empty.contains(chart.chart) {
                #expect(chart.marks == 0, "\(chart.chart) has nothing to draw")
            } else {
                #expect(chart.marks > 0, "\(chart.chart) has something drawn")
            }
        }
    }

    /// The quickstart example run for real with `run --report`, opened from disk.
    @Test func theQuickstartsReportFromALocalRunRendersEveryChart() async throws {
        let report = Self.directory.appendingPathComponent("quickstart-run.html")
        try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: report)
        let example = RepositoryFile.root.appendingPathComponent("examples/quickstart.yaml").path
        let result = try await AgentProcess.run(["run", example, "--any-ports", "--duration", "4s", "--quiet", "-o", "json", "--report", report.path])
        // 1: a threshold missed. On a busy machine the debug build's echoes can come late enough to
        // fail a flow or count a datagram lost; the report is written either way.
        #expect(result.code == 0 || result.code == 1, "\(result.err.suffix(2000))")
        let status = try LocalRunOutput.status(result.out)
        let html = try String(contentsOf: report, encoding: .utf8)
        let probe = try await Self.open(html, name: "quickstart")
        // The quickstart has no outages (it is not the continuous pattern); failures only if the
        // machine made some, and then the chart must show them.
        Self.check(
            probe,
            empty: (status.summary?.flowsFailed ?? 0) == 0 ? ["failures", "outages", "new-connection-outages"] : ["outages", "new-connection-outages"])
    }

    @Test(arguments: ReportFixtures.recorded)
    func aRecordedStatusRendersEveryChart(fixture: String) async throws {
        let input = try ReportFixtures.load(fixture)
        let probe = try await Self.open(HTMLReport(flowTest: input.flowTest, status: input.status).html(), name: fixture)
        // The quickstart fails no flow and has no outage; the failing run has no outage; the
        // continuous run fails no flow (it reconnects), its UDP flows end only at the end, and it
        // was recorded before new connections were probed.
        let empty: [String: Set<String>] = [
            "quickstart.yaml": ["failures", "outages", "new-connection-outages"], "failures.yaml": ["outages", "new-connection-outages"],
            "outage.json": ["failures", "udp-jitter", "new-connection-outages"],
        ]
        Self.check(probe, empty: empty[fixture] ?? [])
    }

    /// A cluster test with failures, an odd generator, a starved echo pod, outages and names
    /// with markup in them.
    @Test func aClusterTestWithFailuresRendersEveryChart() async throws {
        let (flowTest, status) = ReportFixtures.cluster()
        let probe = try await Self.open(HTMLReport(flowTest: flowTest, status: status).html(), name: "cluster-failures")
        Self.check(probe, empty: [])
    }
}
