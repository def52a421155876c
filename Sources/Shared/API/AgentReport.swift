/// One agent's cumulative statistics, written by the agent into `status.agents[<its name>]`.
///
/// Always absolute, never deltas, so a repeated report cannot count twice.
public struct AgentReport: Codable, Sendable, Equatable {
    public enum Role: String, Codable, Sendable {
        case echo, generator
    }

    public var role: Role
    /// When the agent wrote this report (RFC 3339).
    public var reportTime: String
    /// True in the report an agent writes when it has stopped.
    public var finished: Bool
    public var elapsedSeconds: Double?
    /// Generators: their TCP traffic.
    public var tcp: TrafficCounters?
    /// Generators: their UDP traffic.
    public var udp: TrafficCounters?
    /// Generators: their round trips, in a form that merges exactly across agents.
    public var rtt: LatencyHistogram?
    /// Echo servers: one entry per listener.
    public var listeners: [EchoListenerStatistics]?

    public init(role: Role, reportTime: String, finished: Bool) {
        self.role = role
        self.reportTime = reportTime
        self.finished = finished
    }
}
