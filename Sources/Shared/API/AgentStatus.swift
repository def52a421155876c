/// Everything one agent (one pod name) has reported: one report per process that ran under that
/// name. A container restart or a pod replaced under the same name adds an incarnation; the
/// summary sums them all, so nothing is lost and nothing is counted twice.
public struct AgentStatus: Codable, Sendable, Equatable {
    public var role: AgentReport.Role
    /// Keyed by incarnation: `<first 8 characters of the pod UID>-<process start, base 36 ms>`.
    public var incarnations: [String: AgentReport]

    public init(role: AgentReport.Role, incarnations: [String: AgentReport] = [:]) {
        self.role = role
        self.incarnations = incarnations
    }

    /// The report of the process that started last: the one running now, or the last that ran.
    public var latest: AgentReport? {
        latestKey.flatMap { incarnations[$0] }
    }

    /// The incarnation key of the process that started last.
    public var latestKey: String? {
        incarnations.max { ($0.value.startTime, $0.key) < ($1.value.startTime, $1.key) }?.key
    }
}
