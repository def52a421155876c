/// How many of a test's agents have reported, in the FlowTest's status: bounded whatever the
/// number of agents, where the reports themselves live in FlowTestReport objects.
public struct AgentReportCounts: Codable, Sendable, Equatable {
    /// Agent pods the test runs: generators, and echo pods unless the target is external.
    public var expected: Int64
    /// Agents with at least one report.
    public var reporting: Int64
    /// Agents whose latest incarnation has sent its final report.
    public var finished: Int64
    /// Expected agents with no report at all.
    public var missing: Int64

    public init(expected: Int64, reporting: Int64, finished: Int64, missing: Int64) {
        self.expected = expected
        self.reporting = reporting
        self.finished = finished
        self.missing = missing
    }

    /// The counts for `names` (the agent pods a test runs) from the reports by pod name.
    public init(expecting names: [String], reports: [String: AgentStatus]) {
        let reporting = names.filter { !(reports[$0]?.incarnations.isEmpty ?? true) }
        self.init(
            expected: Int64(names.count), reporting: Int64(reporting.count),
            finished: Int64(names.filter { reports[$0]?.latest?.finished == true }.count),
            missing: Int64(names.count - reporting.count))
    }
}
