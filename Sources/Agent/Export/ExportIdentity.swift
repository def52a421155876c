import Foundation

/// The tags every point of one agent carries: which test, which agent, which role. Bounded
/// cardinality on purpose: never a flow id or a peer address.
struct ExportIdentity: Sendable, Equatable {
    var flowTest: String
    var namespace: String
    var agent: String
    var role: String
    /// Generators: the flow pattern.
    var pattern: String?

    var tags: [String: String] {
        var tags = ["flowtest": flowTest, "namespace": namespace, "agent": agent, "role": role]
        if let pattern { tags["pattern"] = pattern }
        return tags
    }
}

extension ExportIdentity {
    /// An agent's identity: its FlowTest and name as it reports them, or, without reporting,
    /// `FLOWTEST_AGENT_NAME` or the host name and no test.
    init(reporting: ReportingSettings?, role: String, pattern: String? = nil) {
        self.init(
            flowTest: reporting?.flowTest ?? "", namespace: reporting?.namespace ?? "",
            agent: reporting?.agentName ?? ProcessInfo.processInfo.environment["FLOWTEST_AGENT_NAME"] ?? ProcessInfo.processInfo.hostName,
            role: role, pattern: pattern)
    }
}
