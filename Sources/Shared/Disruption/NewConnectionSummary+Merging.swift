extension NewConnectionSummary {
    /// Several agents' new-connection timelines as one: intervals joined where they overlap,
    /// counters summed. The rate and the resolution are the highest and the coarsest agent's
    /// (a restarted generator's incarnations share one rate; the coarsest resolution bounds what
    /// the joined timeline can have missed).
    ///
    /// As `DisruptionSummary.merging`: exact while no agent left intervals out, otherwise
    /// `disruptedSeconds` and `intervalCount` are upper bounds.
    public static func merging(_ summaries: [NewConnectionSummary], limit: Int = statusIntervalLimit) -> NewConnectionSummary? {
        guard !summaries.isEmpty else { return nil }
        var merged = NewConnectionSummary(union: OutageInterval.union(summaries.flatMap(\.intervals)), limit: limit)
        for summary in summaries {
            let keptSeconds = Double(OutageInterval.union(summary.intervals).reduce(0) { $0 + $1.duration }) / 1e9
            merged.disruptedSeconds += max(0, summary.disruptedSeconds - keptSeconds)
            merged.intervalCount += max(0, summary.intervalCount - Int64(summary.intervals.count))
            merged.longestOutageMilliseconds = max(merged.longestOutageMilliseconds, summary.longestOutageMilliseconds)
            merged.resolutionMilliseconds = max(merged.resolutionMilliseconds, summary.resolutionMilliseconds)
            merged.ratePerSecond = max(merged.ratePerSecond, summary.ratePerSecond)
            merged.attempts += summary.attempts
            merged.failures += summary.failures
            merged.activeOutages += summary.activeOutages
            merged.causes.merge(summary.causes, uniquingKeysWith: +)
        }
        merged.outages = summaries.reduce(0) { $0 + $1.outages }
        return merged
    }
}
