/// What a test must achieve to succeed; every threshold set must hold.
public struct ThresholdsSpec: Codable, Sendable, Equatable {
    /// Most failed flows, as a percentage of flows started.
    public var maxFailedFlowsPercent: Double?
    /// Highest acceptable 99th-percentile round-trip time, e.g. `5ms`.
    public var maxRTTP99: String?
    /// Most UDP datagrams lost, as a percentage of those sent.
    public var maxUDPLossPercent: Double?
    /// Fewest flows that must complete.
    public var minFlowsCompleted: Int64?
    /// Continuous pattern: the longest outage any one flow may see, e.g. `500ms`.
    public var maxOutage: String?
    /// Continuous pattern: most time, in seconds, during which any flow may be in an outage.
    public var maxDisruptedSeconds: Double?
    /// Fewest packets and connections, in percent of those the echo checked, that must arrive
    /// with the marks of `flows.marking` (DSCP and SciTag).
    public var minMarkedPercent: Double?

    public init(
        maxFailedFlowsPercent: Double? = nil, maxRTTP99: String? = nil, maxUDPLossPercent: Double? = nil,
        minFlowsCompleted: Int64? = nil, maxOutage: String? = nil, maxDisruptedSeconds: Double? = nil,
        minMarkedPercent: Double? = nil
    ) {
        self.minMarkedPercent = minMarkedPercent
        self.maxOutage = maxOutage
        self.maxDisruptedSeconds = maxDisruptedSeconds
        self.maxFailedFlowsPercent = maxFailedFlowsPercent
        self.maxRTTP99 = maxRTTP99
        self.maxUDPLossPercent = maxUDPLossPercent
        self.minFlowsCompleted = minFlowsCompleted
    }
}
