extension DisruptionSummary {
    /// Several agents' summaries as one: their intervals joined where they overlap (outages of
    /// different generators at the same time are one disruption), counters summed; the new
    /// connections' timeline merged apart.
    ///
    /// Exact while no agent left intervals out. An agent's omitted intervals cannot be joined
    /// with anyone's, so their time and count are added as they are: then `disruptedSeconds`
    /// and `intervalCount` are upper bounds.
    public static func merging(
        _ summaries: [DisruptionSummary], limit: Int = statusIntervalLimit,
        newConnectionLimit: Int = NewConnectionSummary.statusIntervalLimit
    ) -> DisruptionSummary? {
        guard !summaries.isEmpty else { return nil }
        let joined = OutageInterval.union(summaries.flatMap(\.intervals))
        var merged = DisruptionSummary(union: joined, limit: limit)
        for summary in summaries {
            let keptSeconds = Double(OutageInterval.union(summary.intervals).reduce(0) { $0 + $1.duration }) / 1e9
            merged.disruptedSeconds += max(0, summary.disruptedSeconds - keptSeconds)
            merged.intervalCount += max(0, summary.intervalCount - Int64(summary.intervals.count))
            merged.longestOutageMilliseconds = max(merged.longestOutageMilliseconds, summary.longestOutageMilliseconds)
            merged.activeOutages += summary.activeOutages
            merged.connectionsLost += summary.connectionsLost
            merged.connectionsReestablished += summary.connectionsReestablished
            merged.messagesLost += summary.messagesLost
            if let resolution = summary.resolutionMilliseconds { merged.resolutionMilliseconds = max(merged.resolutionMilliseconds ?? 0, resolution) }
        }
        // Each timeline merges on its own: a new-connection outage never joins an established one.
        merged.newConnections = NewConnectionSummary.merging(summaries.compactMap(\.newConnections), limit: newConnectionLimit)
        merged.outages = summaries.reduce(0) { $0 + $1.outages }
        return merged
    }
}
