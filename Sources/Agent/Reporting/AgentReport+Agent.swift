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
        report.marking = snapshot.marking
        return report
    }

    /// An echo server's report: one entry per listener.
    static func echo(
        _ listeners: [EchoListenerStatistics], elapsed: Duration, finished: Bool, started: Date, firefliesReceived: UInt64? = nil, at time: Date = Date()
    ) -> AgentReport {
        var report = AgentReport(
            startTime: FlowTestStatus.preciseTimestamp(started), reportTime: FlowTestStatus.preciseTimestamp(time), finished: finished)
        report.elapsedSeconds = elapsed.seconds
        report.listeners = listeners
        // Marking figures only where marks were judged or fireflies counted: none otherwise.
        if listeners.contains(where: { $0.marking != nil }) || firefliesReceived != nil {
            var marking = MarkingCounts()
            for listener in listeners {
                guard let tally = listener.marking else { continue }
                if listener.protocol == .tcp { marking.tcp += tally } else { marking.udp += tally }
            }
            marking.firefliesReceived = firefliesReceived ?? 0
            report.marking = marking
        }
        return report
    }
}
