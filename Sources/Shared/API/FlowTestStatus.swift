/// What a FlowTest has done so far. The controller alone writes phase, conditions and summary;
/// each agent writes only its own entry of `agents` (DESIGN.md, decision 3).
public struct FlowTestStatus: Codable, Sendable, Equatable {
    public var phase: FlowTestPhase?
    public var observedGeneration: Int64?
    public var startTime: String?
    public var completionTime: String?
    public var conditions: [FlowTestCondition]?
    public var summary: FlowTestSummary?
    /// Continuous pattern: every outage the generators saw, merged into one timeline.
    public var disruption: DisruptionSummary?
    /// Agent pods the controller replaced, newest last, at most `ReplacedPod.limit`.
    public var replacedPods: [ReplacedPod]?
    /// One entry per agent, keyed by agent (pod) name, with one report per process under that
    /// name, so concurrent merge patches never collide and restarts never overwrite.
    public var agents: [String: AgentStatus]?

    public init() {}
}
