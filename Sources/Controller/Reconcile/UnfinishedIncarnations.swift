import FlowTestShared

/// The incarnations of a test's agents that never sent a final report, other than each agent's
/// latest (whose pod the controller can still ask), with what is known of why.
///
/// A report only ever adds figures, so an incarnation without a final one still counts as its
/// last report holds it; what it did after that report is lost. The condition must say so: a
/// test whose echo pod was force-deleted once said AllAgentsReported, because only each
/// agent's latest incarnation was looked at, while the deleted pod's last seconds were missing
/// (a pod's service-account token is refused once the pod object is gone).
struct UnfinishedIncarnations {
    let agents: [String: AgentStatus]
    let pods: [String: PodState]
    let replaced: [ReplacedPod]

    /// One description per unfinished earlier incarnation of the agents in `names`, oldest first.
    func describe(_ names: [String]) -> [String] {
        names.flatMap { name -> [String] in
            guard let agent = agents[name], let latest = agent.latestKey else { return [] }
            return agent.incarnations
                .filter { $0.key != latest && !$0.value.finished }
                .sorted { ($0.value.startTime, $0.key) < ($1.value.startTime, $1.key) }
                .map { key, report in
                    "\(name) incarnation \(key) (\(cause(of: name, incarnation: key)); counted as its last report, at \(report.reportTime), holds it)"
                }
        }
    }

    /// Why the process behind `incarnation` ended without its final report, as far as known.
    private func cause(of name: String, incarnation: String) -> String {
        let prefix = String(incarnation.prefix { $0 != "-" })
        if let pod = pods[name], pod.uidPrefix == prefix {
            return "its container restarted" + (pod.problem.map { ": \($0)" } ?? "")
        }
        if let record = replaced.last(where: { $0.name == name && $0.uidPrefix == prefix }) {
            return "its pod \(record.cause)"
        }
        return "its pod is gone, deleted before its final report: once a pod object is gone its token is refused"
    }
}
