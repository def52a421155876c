import FlowTestShared
import Foundation

/// Prints a local run's result: the FlowTest and its agents' FlowTestReports as `kubectl get
/// flowtest,flowtestreports -l flowtest.dev/name=NAME -o yaml|json` would show them on stdout
/// (what `flowtest-agent report` reads), and a short table for people on stderr, so
/// `-o json | jq` stays clean.
struct LocalRunPrinter {
    let name: String
    let format: LocalRunOptions.Format

    func print(_ outcome: LocalRun.Outcome) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let document = try outcome.flowTest.reportList()
        switch format {
        case .yaml: CommandLineOutput.result(try YAMLRendering.yaml(document).trimmingCharacters(in: .newlines))
        case .json: CommandLineOutput.result(String(decoding: try encoder.encode(document), as: UTF8.self))
        }
        CommandLineOutput.lines(table(outcome.status))
    }

    func table(_ status: FlowTestStatus) -> String {
        let summary = status.summary ?? FlowTestSummary()
        let verdict = status.conditions?.first { $0.type == FlowTestCondition.Kind.succeeded }
        let milliseconds = { (value: Double?) in value.map { String(format: "%.3f ms", $0) } ?? "-" }
        var rows = [
            ("FlowTest", name),
            ("Phase", status.phase?.rawValue ?? "-"),
            ("Flows", "\(summary.flowsStarted) started, \(summary.flowsCompleted) completed, \(summary.flowsFailed) failed (\(String(format: "%.2f", summary.failedFlowsPercent)) %)"),
            ("RTT", "p50 \(milliseconds(summary.rttP50Milliseconds)), p99 \(milliseconds(summary.rttP99Milliseconds))"),
            ("Throughput", summary.throughputBitsPerSecond.map { String(format: "%.1f Mbit/s", $0 / 1e6) } ?? "-"),
        ]
        if let loss = summary.udpLossPercent { rows.append(("UDP loss", String(format: "%.3f %%", loss))) }
        if let failures = summary.failures { rows.append(("Failures", failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))) }
        // Each pattern of a mix under the flows, the most frequent first.
        let patterns = (summary.patterns ?? [:]).sorted { $0.value.flowsStarted > $1.value.flowsStarted }.map { pattern, figures in
            (
                "  \(pattern)",
                "\(figures.flowsStarted) started, \(figures.flowsFailed) failed, RTT p50 \(milliseconds(figures.rttP50Milliseconds)), p99 \(milliseconds(figures.rttP99Milliseconds))"
            )
        }
        rows.insert(contentsOf: patterns, at: 3)
        if let marking = summary.marking {
            let tally = { (name: String, tally: MarkTally) in "\(name) \(tally.marked) marked, \(tally.remarked) re-marked, \(tally.unmarked) unmarked" }
            let percent = summary.markedPercent.map { String(format: "%.2f %% marked; ", $0) } ?? ""
            rows.append(("Marks", percent + tally("UDP datagrams", marking.udp) + "; " + tally("TCP connections", marking.tcp)))
            if marking.flowLabelsRefused > 0 { rows.append(("  labels", "\(marking.flowLabelsRefused) flow labels refused by the kernel (see the log)")) }
            if marking.firefliesSent + marking.firefliesReceived > 0 {
                rows.append(("  fireflies", "\(marking.firefliesSent) sent, \(marking.firefliesReceived) received by the echo servers"))
            }
        }
        if let disruption = status.disruption {
            // Two timelines, each saying how fine it is: an outage shorter than its resolution may
            // fall between two samples.
            let resolution = disruption.resolutionMilliseconds.map { String(format: ", resolution %.0f ms", $0) } ?? ""
            rows.append((
                "Disruption",
                "established connections\(resolution): "
                    + String(
                        format: "%.3f s disrupted, %lld outages in %lld intervals, longest %.1f ms; %lld connections lost, %lld re-established, %lld messages lost",
                        disruption.disruptedSeconds, disruption.outages, disruption.intervalCount, disruption.longestOutageMilliseconds,
                        disruption.connectionsLost, disruption.connectionsReestablished, disruption.messagesLost)))
            rows += Self.intervalRows(disruption.intervals, count: disruption.intervalCount)
            if let fresh = disruption.newConnections {
                let causes = fresh.causes.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                rows.append((
                    "New connections",
                    String(format: "%g/s, resolution %.0f ms: ", fresh.ratePerSecond, fresh.resolutionMilliseconds)
                        + "\(fresh.failures) of \(fresh.attempts) failed\(causes.isEmpty ? "" : " (\(causes))"); "
                        + String(
                            format: "%.3f s disrupted, %lld outages in %lld intervals, longest %.1f ms",
                            fresh.disruptedSeconds, fresh.outages, fresh.intervalCount, fresh.longestOutageMilliseconds)))
                rows += Self.intervalRows(fresh.intervals, count: fresh.intervalCount)
            }
        }
        if let verdict { rows.append(("Verdict", "\(verdict.reason): \(verdict.message)")) }
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }

    /// A timeline's intervals, one row each, and how many shorter ones the status left out.
    private static func intervalRows(_ intervals: [OutageInterval], count: Int64) -> [(String, String)] {
        var rows = intervals.map { ("  outage", $0.description) }
        if count > Int64(intervals.count) { rows.append(("  outage", "… \(count - Int64(intervals.count)) shorter intervals not listed")) }
        return rows
    }
}
