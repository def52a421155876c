import FlowTestShared

/// The new-connection probes of a run and their outages, kept in the prober's statistics shard
/// apart from the long-lived flows' `DisruptionLog`: the two timelines never join.
struct NewConnectionLog: Sendable {
    /// The destinations' outages; a destination stands where a flow does in the flows' log.
    var outages = DisruptionLog()
    var attempts: Int64 = 0
    var failures: Int64 = 0
    var causes: [FlowFailureReason: Int64] = [:]

    /// Counts one failed probe.
    mutating func failed(_ cause: FlowFailureReason) {
        failures += 1
        causes[cause, default: 0] += 1
    }

    /// Every shard's log as one agent's timeline at `now`, with its rate and resolution, keeping
    /// the longest `limit` intervals.
    static func summary(
        _ logs: [NewConnectionLog], now: Int64, settings: ProbeSettings, limit: Int
    ) -> NewConnectionSummary {
        let timeline = DisruptionLog.summary(logs.map(\.outages), now: now, limit: limit)
        var summary = NewConnectionSummary()
        summary.ratePerSecond = settings.rate
        summary.resolutionMilliseconds = settings.resolution.seconds * 1000
        summary.disruptedSeconds = timeline.disruptedSeconds
        summary.longestOutageMilliseconds = timeline.longestOutageMilliseconds
        summary.outages = timeline.outages
        summary.activeOutages = timeline.activeOutages
        summary.intervalCount = timeline.intervalCount
        summary.intervals = timeline.intervals
        for log in logs {
            summary.attempts += log.attempts
            summary.failures += log.failures
            for (cause, count) in log.causes { summary.causes[cause.rawValue, default: 0] += count }
        }
        return summary
    }
}
