/// The cumulative statistics of one agent process (one incarnation of an agent), written by that
/// process into its FlowTestReport's `report.incarnations[<incarnation>]`.
///
/// Always absolute, never deltas, so a repeated report cannot count twice; and each process
/// writes only its own incarnation, so a restarted container or a replaced pod never overwrites
/// the figures of the process before it (DESIGN.md, decision 6).
public struct AgentReport: Codable, Sendable, Equatable {
    public enum Role: String, Codable, Sendable {
        case echo, generator
    }

    /// When this process started (RFC 3339 with milliseconds): orders the incarnations of an agent.
    public var startTime: String
    /// When the process wrote this report (RFC 3339 with milliseconds).
    public var reportTime: String
    /// True in the report a process writes when it has stopped.
    public var finished: Bool
    public var elapsedSeconds: Double?
    /// Generators: their TCP traffic.
    public var tcp: TrafficCounters?
    /// Generators: their UDP traffic.
    public var udp: TrafficCounters?
    /// Generators: flow starts the random pattern skipped because `maxConcurrent` were open.
    public var flowsSkipped: UInt64?
    /// Generators: their round trips, in a form that merges exactly across agents.
    public var rtt: LatencyHistogram?
    /// Generators with a traffic mix: each pattern's figures, keyed by pattern name (at most 8).
    public var patterns: [String: PatternFigures]?
    /// Generators in the continuous pattern: their outages, merged into intervals.
    public var disruption: DisruptionSummary?
    /// Generators: their figures over time, one sample per step (at most `TimeSeries.sampleLimit`).
    public var timeline: TimeSeries?
    /// Agents that export to InfluxDB: what reached it and what did not.
    public var influxDB: ExportCounts?
    /// Agents with a flow log: records written and dropped.
    public var flowLog: FlowLogCounts?
    /// Echo servers: one entry per listener.
    public var listeners: [EchoListenerStatistics]?
    /// With `flows.marking`: marks checked on arrival (echo), labels refused and fireflies.
    public var marking: MarkingCounts?

    public init(startTime: String, reportTime: String, finished: Bool) {
        self.startTime = startTime
        self.reportTime = reportTime
        self.finished = finished
    }
}
