extension DisruptionSummary {
    /// The test's timeline from every report of every generator (all incarnations: a restarted
    /// generator's outages before the restart still count); nil when no generator measured any.
    public init?(agents: [String: AgentStatus]) {
        let reports = agents.values.filter { $0.role == .generator }.flatMap(\.incarnations.values).compactMap(\.disruption)
        guard let merged = Self.merging(reports) else { return nil }
        self = merged
    }
}
