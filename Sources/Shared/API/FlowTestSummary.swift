/// The whole test's figures, merged from every report of every agent (all incarnations).
public struct FlowTestSummary: Codable, Sendable, Equatable {
    public var flowsStarted: Int64 = 0
    public var flowsCompleted: Int64 = 0
    public var flowsFailed: Int64 = 0
    /// Random-pattern arrivals not started because `maxConcurrent` flows were open.
    public var flowsSkipped: Int64 = 0
    public var failures: [String: Int64]?
    public var failedFlowsPercent: Double = 0
    /// TCP flows (connections) the generators started: compare with `echo.tcpConnectionsAccepted`.
    public var tcpFlowsStarted: Int64 = 0
    /// UDP datagrams the generators sent: compare with `echo.udpDatagramsReceived`.
    public var udpDatagramsSent: Int64 = 0
    public var bytesSent: Int64 = 0
    public var bytesReceived: Int64 = 0
    public var rttP50Milliseconds: Double?
    public var rttP99Milliseconds: Double?
    public var udpLossPercent: Double?
    public var throughputBitsPerSecond: Double?
    /// With a traffic mix: each pattern's flows, failures, bytes and round trips.
    public var patterns: [String: PatternSummary]?
    /// What the echo servers saw; nil when no echo server reported (External targets).
    public var echo: EchoTotals?
    /// With `flows.marking`: every agent's marking figures, summed.
    public var marking: MarkingCounts?
    /// Arrivals the echo servers found with every expected mark, in percent of those checked.
    public var markedPercent: Double?
    /// Agents with at least one report.
    public var agentsReported: Int64 = 0
    /// Processes that reported, over all agents: more than `agentsReported` after restarts or replacements.
    public var agentIncarnations: Int64 = 0

    public init() {}
}
