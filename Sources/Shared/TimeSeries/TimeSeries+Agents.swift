extension TimeSeries {
    /// The test's series from every report of every generator (all incarnations); nil when no
    /// generator reported one (agents of a version before time series).
    public init?(agents: [String: AgentStatus]) {
        let series = agents.values.filter { $0.role == .generator }.flatMap(\.incarnations.values).compactMap(\.timeline)
        guard let merged = Self.merging(series) else { return nil }
        self = merged
    }
}
