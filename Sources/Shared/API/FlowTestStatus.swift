/// What a FlowTest has done so far, written by the controller alone, of a size bounded whatever
/// the number of agents; the agents' reports are FlowTestReport objects (DESIGN.md, decision 3).
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
    /// How many agents have reported (expected, reporting, finished, missing).
    public var reportCounts: AgentReportCounts?
    /// Each agent's reports, keyed by agent (pod) name, one report per process under that name.
    ///
    /// Not part of the stored status: each agent writes its reports into a FlowTestReport object
    /// of its own (DESIGN.md, decision 3), and the status holds only what is bounded whatever the
    /// number of agents. This is filled in memory from those objects where a whole test is read
    /// (the controller's aggregation, local mode, the HTML report), and read from a status of the
    /// earlier layout by `lenient`; it is never encoded.
    public var agents: [String: AgentStatus]?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case phase, observedGeneration, startTime, completionTime, conditions, summary, disruption, replacedPods, reportCounts
    }
}
