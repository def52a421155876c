extension PatternSummary {
    /// The same figures with round trips and jitter at most three decimals long, rounded up
    /// (`StatusRounding`), as the status stores them.
    public var rounded: PatternSummary {
        var summary = self
        summary.rttP50Milliseconds = rttP50Milliseconds.map(StatusRounding.up)
        summary.rttP99Milliseconds = rttP99Milliseconds.map(StatusRounding.up)
        summary.udpJitterMilliseconds = udpJitterMilliseconds.map(StatusRounding.up)
        return summary
    }
}
