extension DisruptionSummary {
    /// The test's timeline from every report of every generator (all incarnations: a restarted
    /// generator's outages before the restart still count); nil when no generator measured any.
    ///
    /// As the status stores it: `longestOutageMilliseconds` rounded (`rounded`); thresholds are
    /// judged on `init?(unrounded:)`.
    public init?(agents: [String: AgentStatus]) {
        guard let exact = DisruptionSummary(unrounded: agents) else { return nil }
        self = exact.rounded
    }

    /// The exact timeline from every generator's report, the one `thresholds.maxOutage` judges.
    public init?(unrounded agents: [String: AgentStatus]) {
        let reports = agents.values.filter { $0.role == .generator }.flatMap(\.incarnations.values).compactMap(\.disruption)
        guard let merged = Self.merging(reports) else { return nil }
        self = merged
    }
}
