import FlowTestShared
import Foundation

/// A real generator report (from a 30 s local run of examples/traffic-mix.yaml, committed as
/// bench/scale/generator-report.json) that simulated agents send with their own times and
/// counters, so the controller decodes and merges what a real agent writes: the same histograms,
/// patterns and timeline, the same size (about 7.7 KB).
struct ReportTemplate: Sendable {
    let report: AgentReport

    init(path: String) throws {
        report = try JSONDecoder().decode(AgentReport.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Agent `index`'s report after `elapsed` of its `duration`: the template's counters scaled to
    /// the fraction of the run done and by a per-agent factor (1.00 to 1.45), so that every report
    /// differs from the one before and from every other agent's, as real ones do. Histograms,
    /// patterns' histograms and the timeline are kept as they are: their shape, not their values,
    /// is what decoding and merging cost.
    func report(agent index: Int, started: Date, elapsed: Duration, of duration: Duration, finished: Bool) -> AgentReport {
        var report = report
        let fraction = min(1, elapsed.seconds / duration.seconds) * (1 + Double(index % 10) * 0.05)
        report.startTime = FlowTestStatus.preciseTimestamp(started)
        report.reportTime = FlowTestStatus.preciseTimestamp(started.addingTimeInterval(elapsed.seconds))
        report.elapsedSeconds = elapsed.seconds
        report.finished = finished
        report.tcp = report.tcp.map { Self.scaled($0, by: fraction) }
        report.udp = report.udp.map { Self.scaled($0, by: fraction) }
        report.patterns = report.patterns?.mapValues { figures in
            var figures = figures
            figures.flows = Self.scaled(figures.flows, by: fraction)
            return figures
        }
        return report
    }

    private static func scaled(_ counters: TrafficCounters, by fraction: Double) -> TrafficCounters {
        func scale(_ value: UInt64) -> UInt64 { UInt64((Double(value) * fraction).rounded()) }
        var counters = counters
        // Completed and failed are scaled from started, so they never add up to more than it.
        counters.flowsStarted = scale(counters.flowsStarted)
        counters.flowsCompleted = min(scale(counters.flowsCompleted), counters.flowsStarted)
        counters.flowsFailed = min(scale(counters.flowsFailed), counters.flowsStarted - counters.flowsCompleted)
        counters.failures = counters.failures.mapValues(scale)
        counters.bytesSent = scale(counters.bytesSent)
        counters.bytesReceived = scale(counters.bytesReceived)
        counters.messagesSent = scale(counters.messagesSent)
        counters.messagesReceived = scale(counters.messagesReceived)
        return counters
    }
}
