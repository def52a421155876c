extension DisruptionSummary {
    /// The same timeline with `longestOutageMilliseconds` (`kubectl get`'s Outage-ms column) at
    /// most three decimals long, rounded up (`StatusRounding`), as the status stores it.
    ///
    /// Only the status's copy is rounded: the agents report exact figures, and the merge and
    /// `thresholds.maxOutage` work on those.
    public var rounded: DisruptionSummary {
        var summary = self
        summary.longestOutageMilliseconds = StatusRounding.up(longestOutageMilliseconds)
        // The new connections' timeline is read next to it: the same three decimals.
        if let longest = newConnections?.longestOutageMilliseconds { summary.newConnections?.longestOutageMilliseconds = StatusRounding.up(longest) }
        return summary
    }
}
