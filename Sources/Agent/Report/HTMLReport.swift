import FlowTestShared
import Foundation

/// A FlowTest's results as one self-contained HTML page: the verdict and every threshold first,
/// then charts over time, failures, UDP quality, throughput, the agents side by side and the
/// outage timeline. Styles and charts are inline (SVG); nothing is fetched, nothing runs.
struct HTMLReport {
    let flowTest: FlowTest
    let status: FlowTestStatus
    let summary: FlowTestSummary
    let timeline: TimelinePlots?
    let agents: AgentComparison
    /// Agent entries in the status that could not be read (another version's, a hand edit).
    let unreadableAgents: [String]

    init(flowTest: FlowTest, status: FlowTestStatus, unreadableAgents: [String] = []) {
        self.flowTest = flowTest
        self.status = status
        let agents = status.agents ?? [:]
        summary = status.summary ?? FlowTestSummary(agents: agents)
        timeline = TimeSeries(agents: agents).map(TimelinePlots.init)
        self.agents = AgentComparison(agents: agents)
        self.unreadableAgents = unreadableAgents
    }

    var name: String { flowTest.metadata.name ?? "flowtest" }

    func html() -> String {
        let sections = [
            verdictSection(), flowsSection(), activeSection(), rttSection(), failuresSection(), patternsSection(), udpSection(), throughputSection(),
            markingSection(), agentsSection(), outageSection(),
        ]
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>FlowTest \(HTML.escape(name)): \(HTML.escape(status.phase?.rawValue ?? "no phase"))</title>
            <style>\(ReportStyle.css)</style>
            </head>
            <body>
            \(header())
            <main>
            \(sections.joined(separator: "\n"))
            </main>
            <footer>Made by <code>flowtest-agent report</code> from the FlowTest's status. Times are seconds since the first generator began sampling\(timeline.map { " (" + HTML.escape(FlowTestStatus.timestamp(Date(timeIntervalSince1970: Double($0.originMilliseconds) / 1000))) + ")" } ?? ""). Percentiles over time come from half-octave buckets (within about 20 %); the verdict's figures are the exact ones.</footer>
            </body>
            </html>

            """
    }

    private func header() -> String {
        let spec = flowTest.spec
        let facts: [(String, String)] = [
            ("Namespace", flowTest.metadata.namespace ?? "-"),
            ("Phase", status.phase?.rawValue ?? "-"),
            ("Started", status.startTime ?? "-"),
            ("Completed", status.completionTime ?? "-"),
            ("Flows", "\(spec.flows.protocol.rawValue), \(spec.flows.pattern.rawValue), \(ReportFormat.count(spec.flows.rate))/s, at most \(ReportFormat.count(spec.flows.maxConcurrent)) open"),
            ("Duration", spec.duration),
            ("Agents", "\(summary.agentsReported) reported (\(summary.agentIncarnations) processes)"),
        ]
        let passed = status.phase == .succeeded
        let verdict = status.conditions?.first { $0.type == FlowTestCondition.Kind.succeeded }
        let line = verdict.map { "\($0.reason): \($0.message)" } ?? "no verdict yet"
        return """
            <header>
            <h1>FlowTest <span class="name">\(HTML.escape(name))</span> <span class="badge \(passed ? "pass" : status.phase == .failed ? "fail" : "open")">\(HTML.escape(status.phase?.rawValue ?? "no phase"))</span></h1>
            <p class="verdict">\(HTML.escape(line))</p>
            <dl class="facts">\(facts.map { "<div><dt>\(HTML.escape($0.0))</dt><dd>\(HTML.escape($0.1))</dd></div>" }.joined())</dl>
            \(unreadableAgents.isEmpty ? "" : "<p class=\"warning\">Agent entries that could not be read and are left out: \(HTML.escape(unreadableAgents.joined(separator: ", ")))</p>")
            </header>
            """
    }

    private func section(_ id: String, _ title: String, _ body: String, note: String? = nil) -> String {
        "<section id=\"\(id)\"><h2>\(HTML.escape(title))</h2>\(note.map { "<p class=\"note\">\(HTML.escape($0))</p>" } ?? "")\(body)</section>"
    }

    private func table(_ headings: [String], _ rows: [[String]], classes: [String?] = []) -> String {
        var html = "<table><thead><tr>" + headings.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for (index, row) in rows.enumerated() {
            let rowClass = index < classes.count ? classes[index].map { " class=\"\($0)\"" } ?? "" : ""
            html += "<tr\(rowClass)>" + row.map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>"
        }
        return html + "</tbody></table>"
    }

    private func verdictSection() -> String {
        let verdict = ThresholdVerdict(thresholds: flowTest.spec.thresholds, summary: summary, disruption: status.disruption)
        let checks = verdict.checks.isEmpty
            ? "<p class=\"note\">No thresholds are set (spec.thresholds): the test succeeds once every generator has finished.</p>"
            : table(
                ["Threshold", "Limit", "Measured", "Result"],
                verdict.checks.map { ["spec.thresholds.\($0.threshold)", $0.limit, $0.measured ?? "not measured", $0.met ? "met" : "missed"] },
                classes: verdict.checks.map { $0.met ? "met" : "missed" })
        let figures = table(
            ["Flows started", "Completed", "Failed", "Skipped", "RTT p50", "RTT p99", "UDP loss", "Throughput", "Bytes sent / received"],
            [[
                ReportFormat.count(summary.flowsStarted), ReportFormat.count(summary.flowsCompleted),
                "\(ReportFormat.count(summary.flowsFailed)) (\(ReportFormat.percent(summary.failedFlowsPercent)))", ReportFormat.count(summary.flowsSkipped),
                ReportFormat.milliseconds(summary.rttP50Milliseconds), ReportFormat.milliseconds(summary.rttP99Milliseconds),
                ReportFormat.percent(summary.udpLossPercent), ReportFormat.bitsPerSecond(summary.throughputBitsPerSecond),
                "\(ReportFormat.bytes(summary.bytesSent)) / \(ReportFormat.bytes(summary.bytesReceived))",
            ]])
        return section("verdict", "Verdict and thresholds", checks + figures)
    }

    private func timeChart(_ id: String, _ label: String, unit: String, _ series: [LineChart.Series], logarithmic: Bool = false, empty: String? = nil) -> String {
        LineChart(
            frame: ChartFrame(id: id, label: label), unit: unit, series: series, logarithmic: logarithmic, duration: timeline?.duration,
            emptyMessage: empty ?? (timeline == nil ? "no time series in this status (agents older than the report)" : "no samples")
        ).svg()
    }

    private func flowsSection() -> String {
        let series = timeline.map { [LineChart.Series(name: "started", points: $0.started), .init(name: "completed", points: $0.completed), .init(name: "failed", points: $0.failed)] } ?? []
        return section("flows", "Flows per second", timeChart("flows", "Flows started, completed and failed per second", unit: "flows/s", series))
    }

    private func activeSection() -> String {
        let series = timeline.map { [LineChart.Series(name: "open flows", points: $0.active)] } ?? []
        return section("active", "Active flows", timeChart("active", "Flows open at the end of each step", unit: "flows", series))
    }

    private func rttSection() -> String {
        let series = timeline.map { [LineChart.Series(name: "p50", points: $0.rttP50), .init(name: "p90", points: $0.rttP90), .init(name: "p99", points: $0.rttP99)] } ?? []
        return section(
            "rtt", "Round-trip time percentiles", timeChart("rtt", "Round-trip time percentiles per step, logarithmic", unit: "ms", series, logarithmic: true, empty: timeline == nil ? nil : "no round trip was measured"),
            note: "Logarithmic scale. The test's p50 is \(ReportFormat.milliseconds(summary.rttP50Milliseconds)) and its p99 \(ReportFormat.milliseconds(summary.rttP99Milliseconds)).")
    }

    private func failuresSection() -> String {
        let failures = (summary.failures ?? [:]).map { (label: $0.key, value: Double($0.value)) }
        let chart = BarChart(frame: ChartFrame(id: "failures", label: "Failed flows by reason"), unit: "flows", bars: failures, color: ChartPalette.bad, emptyMessage: "no flow failed").svg()
        return section("failures", "Failures by reason", chart, note: "\(ReportFormat.count(summary.flowsFailed)) of \(ReportFormat.count(summary.flowsStarted)) flows failed (\(ReportFormat.percent(summary.failedFlowsPercent))).")
    }

    /// With a traffic mix: each pattern's flows, failures, bytes and round trips; nothing without one.
    private func patternsSection() -> String {
        guard let patterns = summary.patterns, !patterns.isEmpty else { return "" }
        let names = patterns.keys.sorted { patterns[$0]!.flowsStarted > patterns[$1]!.flowsStarted }
        let p99 = BarChart(
            frame: ChartFrame(id: "patterns-rtt", label: "p99 round trip per traffic pattern"), unit: "ms p99",
            bars: names.compactMap { name in patterns[name]!.rttP99Milliseconds.map { (name, $0) } }, highlighted: [],
            emptyMessage: "no pattern measured a round trip").svg()
        let rows = names.map { name -> [String] in
            let figures = patterns[name]!
            let failed = figures.flowsStarted == 0 ? 0 : Double(figures.flowsFailed) / Double(figures.flowsStarted) * 100
            let reasons = (figures.failures ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \(ReportFormat.count($0.value))" }.joined(separator: ", ")
            return [
                name, ReportFormat.count(figures.flowsStarted), ReportFormat.count(figures.flowsCompleted),
                "\(ReportFormat.count(figures.flowsFailed)) (\(ReportFormat.percent(failed)))", reasons.isEmpty ? "-" : reasons,
                "\(ReportFormat.bytes(figures.bytesSent)) / \(ReportFormat.bytes(figures.bytesReceived))",
                ReportFormat.milliseconds(figures.rttP50Milliseconds), ReportFormat.milliseconds(figures.rttP99Milliseconds),
                figures.udpLost.map { "\(ReportFormat.count($0)) / \(ReportFormat.milliseconds(figures.udpJitterMilliseconds))" } ?? "-",
            ]
        }
        let figures = table(
            ["Pattern", "Flows", "Completed", "Failed", "Failures by reason", "Bytes sent / received", "RTT p50", "RTT p99", "UDP lost / jitter"], rows)
        return section(
            "patterns", "Traffic patterns", p99 + figures,
            note: "spec.flows.mix: each pattern's flows over every generator; its round trips are within about 8 % (buckets of 17 %).")
    }

    /// With flows.marking: what the echo servers found on arrival (the expected marks, other
    /// marks, none) per transport, and what the generators could not mark; nothing without marking.
    private func markingSection() -> String {
        guard let marking = summary.marking else { return "" }
        let kinds: [(String, KeyPath<MarkTally, UInt64>)] = [("marked", \.marked), ("re-marked", \.remarked), ("unmarked", \.unmarked)]
        let bars = [("TCP", marking.tcp), ("UDP", marking.udp)].flatMap { transport, tally in
            kinds.map { kind, field in (label: "\(transport) \(kind)", value: Double(tally[keyPath: field])) }
        }.filter { $0.value > 0 }
        let chart = BarChart(
            frame: ChartFrame(id: "marking", label: "Arrivals at the echo servers by the marks they carried"), unit: "arrivals", bars: bars,
            highlighted: Set(bars.map(\.label).filter { !$0.hasSuffix(" marked") }), emptyMessage: "no echo server checked an arrival's marks").svg()
        let rows = [("TCP connections", marking.tcp), ("UDP datagrams", marking.udp)].map { name, tally in
            [name, ReportFormat.count(tally.marked), ReportFormat.count(tally.remarked), ReportFormat.count(tally.unmarked)]
        }
        let figures = table(["Checked at the echo", "Marked as expected", "Re-marked", "Unmarked"], rows)
        let sent =
            "Flow labels the kernel refused: \(ReportFormat.count(marking.flowLabelsRefused)); fireflies sent \(ReportFormat.count(marking.firefliesSent)), "
            + "received \(ReportFormat.count(marking.firefliesReceived))."
        let expected = [flowTest.spec.flows.marking?.dscp.map { "DSCP \($0)" }, flowTest.spec.flows.marking?.scitag.map { "SciTag \($0)" }]
            .compactMap { $0 }.joined(separator: " and ")
        return section(
            "marking", "Packet marking", chart + figures,
            note: "Expected \(expected.isEmpty ? "marks" : expected); \(ReportFormat.percent(summary.markedPercent)) of the arrivals checked carried them. " + sent)
    }

    private func udpSection() -> String {
        let empty = timeline?.hasUDP == false ? "no UDP datagram was sent" : nil
        let loss = timeChart("udp-loss", "UDP datagrams lost per step, in percent of those sent", unit: "% lost", timeline.map { [.init(name: "loss", points: $0.udpLossPercent)] } ?? [], empty: empty)
        let jitter = timeChart(
            "udp-jitter", "Mean RFC 3550 jitter of the UDP flows that ended in each step", unit: "ms", timeline.map { [.init(name: "jitter", points: $0.udpJitterMilliseconds)] } ?? [],
            empty: empty ?? (timeline == nil ? nil : "no UDP flow reported jitter yet (a flow reports it when it ends)"))
        return section(
            "udp", "UDP loss and jitter", loss + jitter,
            note: "Overall loss \(ReportFormat.percent(summary.udpLossPercent)) of \(ReportFormat.count(summary.udpDatagramsSent)) datagrams. A flow counts its losses and its jitter when it ends.")
    }

    private func throughputSection() -> String {
        let series = timeline.map { [LineChart.Series(name: "sent and received", points: $0.throughputMegabits)] } ?? []
        return section("throughput", "Throughput", timeChart("throughput", "Payload throughput, both directions", unit: "Mbit/s", series), note: "Over the whole run: \(ReportFormat.bitsPerSecond(summary.throughputBitsPerSecond)).")
    }

    private func agentsSection() -> String {
        let odd = agents.oddOnesOut
        let generators = agents.generators
        let p99 = BarChart(
            frame: ChartFrame(id: "agents-rtt", label: "p99 round trip per generator"), unit: "ms p99",
            bars: generators.compactMap { row in row.summary.rttP99Milliseconds.map { (row.name, $0) } },
            highlighted: Set(generators.map(\.name).filter { odd[$0] != nil }), emptyMessage: "no generator measured a round trip").svg()
        let generatorTable = table(
            ["Generator", "Processes", "Flows", "Failed", "RTT p50", "RTT p99", "UDP loss", "Throughput", "Outages", "Stands out"],
            generators.map { row in
                [row.name, "\(row.incarnations)", ReportFormat.count(row.summary.flowsStarted), ReportFormat.percent(row.summary.failedFlowsPercent),
                 ReportFormat.milliseconds(row.summary.rttP50Milliseconds), ReportFormat.milliseconds(row.summary.rttP99Milliseconds),
                 ReportFormat.percent(row.summary.udpLossPercent), ReportFormat.bitsPerSecond(row.summary.throughputBitsPerSecond),
                 row.outages.map(ReportFormat.count) ?? "-", odd[row.name] ?? ""]
            },
            classes: generators.map { odd[$0.name] == nil ? nil : "odd" })
        let echoTable = agents.echoes.isEmpty ? "<p class=\"note\">No echo server reported (an External target, or a status from before they report).</p>" : table(
            ["Echo server", "Processes", "TCP connections", "UDP datagrams", "Bytes received", "Share", "Stands out"],
            agents.echoes.map { row in
                [row.name, "\(row.incarnations)", ReportFormat.count(row.summary.echo?.tcpConnectionsAccepted ?? 0), ReportFormat.count(row.summary.echo?.udpDatagramsReceived ?? 0),
                 ReportFormat.bytes(row.summary.echo?.bytesReceived ?? 0), ReportFormat.percent(row.sharePercent), odd[row.name] ?? ""]
            },
            classes: agents.echoes.map { odd[$0.name] == nil ? nil : "odd" })
        return section(
            "agents", "Agents side by side", p99 + generatorTable + echoTable,
            note: odd.isEmpty ? "No agent stands out: none is over twice the others' median." : "Highlighted: \(odd.keys.sorted().joined(separator: ", ")).")
    }

    /// The continuous pattern's two timelines, one chart each, apart: the established
    /// connections' and the new connections', each labelled with its resolution (an outage
    /// shorter than it may fall between two samples and go unseen).
    private func outageSection() -> String {
        guard let disruption = status.disruption else {
            let why = "not measured: only the continuous pattern measures outages"
            let charts = "<h3>Established connections</h3>" + ChartFrame(id: "outages", label: "Outage timeline").empty(why)
                + "<h3>New connections</h3>" + ChartFrame(id: "new-connection-outages", label: "New connections").empty(why)
            return section("outages", "Outage timeline", charts)
        }
        let fresh = disruption.newConnections
        let origin = timeline.map { $0.originMilliseconds * 1_000_000 }
            ?? (disruption.intervals + (fresh?.intervals ?? [])).map(\.start).min() ?? 0
        let resolution = disruption.resolutionMilliseconds.map { ", resolution \(ReportFormat.milliseconds($0))" } ?? ""
        let established = OutageTimelineChart(
            frame: ChartFrame(id: "outages", label: "Established connections: outage intervals by destination\(resolution)"),
            intervals: disruption.intervals, origin: origin, duration: timeline?.duration ?? 0).svg()
        let listed = disruption.intervalCount > Int64(disruption.intervals.count) ? " The status lists the \(disruption.intervals.count) longest of \(disruption.intervalCount) intervals." : ""
        let establishedNote = "<p class=\"note\">\(ReportFormat.number(disruption.disruptedSeconds)) s disrupted; \(ReportFormat.count(disruption.outages)) outages, the longest \(ReportFormat.milliseconds(disruption.longestOutageMilliseconds)); \(ReportFormat.count(disruption.connectionsLost)) connections lost, \(ReportFormat.count(disruption.connectionsReestablished)) re-established.\(listed)</p>"
        var body = "<h3>\(HTML.escape("Established connections\(resolution)"))</h3>" + established + establishedNote
            + intervalTable(disruption.intervals, origin: origin, reconnects: true)
        body += newConnectionTimeline(fresh, origin: origin)
        return section(
            "outages", "Outage timeline", body,
            note: fresh == nil ? "New connections were not probed (flows.newConnectionRate 0, or agents before it)." : "Established flows and new connections fail differently during a drain or a fail-over, so each has its own timeline.")
    }

    /// The new connections' chart, note and intervals; an empty chart saying why without them.
    private func newConnectionTimeline(_ fresh: NewConnectionSummary?, origin: Int64) -> String {
        guard let fresh else {
            return "<h3>New connections</h3>"
                + ChartFrame(id: "new-connection-outages", label: "New connections").empty("not probed: no new-connection timeline in this status")
        }
        let resolution = ", \(ReportFormat.number(fresh.ratePerSecond))/s, resolution \(ReportFormat.milliseconds(fresh.resolutionMilliseconds))"
        var chart = OutageTimelineChart(
            frame: ChartFrame(id: "new-connection-outages", label: "New connections: failed-connection intervals by destination\(resolution)"),
            intervals: fresh.intervals, origin: origin, duration: timeline?.duration ?? 0)
        chart.emptyMessage = "no outage: every new connection was echoed"
        let causes = fresh.causes.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\(HTML.escape($0.key)) \(ReportFormat.count($0.value))" }.joined(separator: ", ")
        let listed = fresh.intervalCount > Int64(fresh.intervals.count) ? " The status lists the \(fresh.intervals.count) longest of \(fresh.intervalCount) intervals." : ""
        let note = "<p class=\"note\">\(ReportFormat.count(fresh.failures)) of \(ReportFormat.count(fresh.attempts)) failed\(causes.isEmpty ? "" : " (\(causes))"); \(ReportFormat.number(fresh.disruptedSeconds)) s disrupted; \(ReportFormat.count(fresh.outages)) outages, the longest \(ReportFormat.milliseconds(fresh.longestOutageMilliseconds)).\(listed)</p>"
        return "<h3>\(HTML.escape("New connections\(resolution)"))</h3>" + chart.svg() + note + intervalTable(fresh.intervals, origin: origin, reconnects: false)
    }

    /// A timeline's intervals as a table; new connections do not reconnect, so they leave those columns out.
    private func intervalTable(_ intervals: [OutageInterval], origin: Int64, reconnects: Bool) -> String {
        let rows = intervals.map { interval -> [String] in
            var row = [
                ReportFormat.elapsed(Double(interval.start - origin) / 1e9), OutageInterval.timeText(interval.start),
                ReportFormat.milliseconds(OutageInterval.milliseconds(interval.duration)) + (interval.ongoing ? " (ongoing)" : ""),
                ReportFormat.count(interval.outages),
                interval.causes.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "),
                interval.peers.joined(separator: " "),
            ]
            if reconnects {
                row += [ReportFormat.count(interval.reconnects), interval.longestReconnect.map { ReportFormat.milliseconds(OutageInterval.milliseconds($0)) } ?? "-"]
            }
            return row
        }
        let headers = ["At", "Start", "Duration", "Outages", "Causes", "Destinations"] + (reconnects ? ["Reconnects", "Longest reconnect"] : [])
        return rows.isEmpty ? "" : table(headers, rows)
    }
}
