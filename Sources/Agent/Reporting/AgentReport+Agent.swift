import FlowTestShared
import Foundation

extension AgentReport {
    /// A generator's report: its cumulative counters per protocol, its round trips and its time series.
    static func generator(
        _ snapshot: GeneratorSnapshot, elapsed: Duration, finished: Bool, started: Date, timeline: TimeSeries? = nil, at time: Date = Date()
    ) -> AgentReport {
        var report = AgentReport(
            startTime: FlowTestStatus.preciseTimestamp(started), reportTime: FlowTestStatus.preciseTimestamp(time), finished: finished)
        report.elapsedSeconds = elapsed.seconds
        report.tcp = snapshot.counters.tcp
        report.udp = snapshot.counters.udp
        report.flowsSkipped = snapshot.flowsSkipped
        report.rtt = LatencyHistogram(snapshot.allRoundTrips)
        report.disruption = snapshot.disruption
        report.patterns = snapshot.patterns.isEmpty ? nil : snapshot.patterns.mapValues(\.figures)
        report.timeline = timeline
        return report
    }

    /// An echo server's report: one entry per listener.
    static func echo(_ listeners: [EchoListenerStatistics], elapsed: Duration, finished: Bool, started: Date, at time: Date = Date()) -> AgentReport {
        var report = AgentReport(
            startTime: FlowTestStatus.preciseTimestamp(started), reportTime: FlowTestStatus.preciseTimestamp(time), finished: finished)
        report.elapsedSeconds = elapsed.seconds
        report.listeners = listeners
        return report
    }
}
