/// One agent pod's reports, in an object of its own (kind `FlowTestReport`, group `flowtest.dev`,
/// the FlowTest's version), named after the pod and owned by its FlowTest.
///
/// Why an object per agent: a merge patch costs the apiserver in proportion to the whole object
/// it changes, so N agents writing into one FlowTest cost N × N (DESIGN.md, decision 3; issue 25
/// measured 504s from 25 agents on). Here each write costs the size of one agent's report.
///
/// Why the figures are a top-level `report`, not a `status` with a status subresource: the
/// agent is the only writer of the object and its figures are its whole content, so there is no
/// spec/status split to protect. A create with a status subresource drops the status, so every
/// agent's first report would take two writes (create, then patch `/status`), and RBAC and the
/// admission policy would have to cover a second resource (`flowtestreports/status`). With a
/// top-level field, the first report is the create itself and every later one a merge patch of
/// the agent's own incarnation key, one write each; a 409 AlreadyExists on create (a restarted
/// container, a pod replaced under its name) turns into that patch. Workflow-style report kinds
/// (Argo's WorkflowTaskResult, the policy reports of wg-policy) are shaped the same way.
public struct FlowTestReport: Codable, Sendable, Equatable {
    public static let kind = "FlowTestReport"
    public static let plural = "flowtestreports"
    /// The label naming the FlowTest; `kubectl get flowtestreports -l flowtest.dev/name=NAME`.
    public static let nameLabel = "flowtest.dev/name"
    /// The label naming the agent's role, `generator` or `echo`, as the agent pods carry it.
    public static let roleLabel = "flowtest.dev/role"

    public var apiVersion = FlowTest.apiVersion
    public var kind = FlowTestReport.kind
    public var metadata: ObjectMeta
    /// The agent's role and its incarnations, exactly as `status.agents.<pod>` of a FlowTest held them.
    public var report: AgentStatus
    /// The latest incarnation's headline figures, for `kubectl get flowtestreports` only.
    public var latest: AgentHeadline?

    public init(metadata: ObjectMeta, report: AgentStatus, latest: AgentHeadline? = nil) {
        self.metadata = metadata
        self.report = report
        self.latest = latest
    }
}
