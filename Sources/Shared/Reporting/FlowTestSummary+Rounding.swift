extension FlowTestSummary {
    /// The summary as the status stores it: the figures of the test's agents, with every
    /// millisecond and percent figure at most three decimals long (`StatusRounding`).
    ///
    /// Thresholds are judged on `init(unrounded:)`; this is what people read, in `kubectl get`
    /// (the P99-ms and Loss-% columns point here), the YAML and the reports.
    public init(agents: [String: AgentStatus]) {
        self = FlowTestSummary(unrounded: agents).rounded
    }

    /// The same summary with its millisecond and percent figures rounded towards the worse side.
    public var rounded: FlowTestSummary {
        var summary = self
        summary.failedFlowsPercent = StatusRounding.up(failedFlowsPercent)
        summary.rttP50Milliseconds = rttP50Milliseconds.map(StatusRounding.up)
        summary.rttP99Milliseconds = rttP99Milliseconds.map(StatusRounding.up)
        summary.udpLossPercent = udpLossPercent.map(StatusRounding.up)
        // More marked is better: rounded down, so 99.9996 % never shows as a clean 100.
        summary.markedPercent = markedPercent.map(StatusRounding.down)
        summary.patterns = patterns?.mapValues(\.rounded)
        return summary
    }
}
