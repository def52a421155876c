import FlowTestShared
import Foundation
import Logging
import Synchronization

/// Every FlowTestReport the controller's watch has seen, decoded once per change: the agents'
/// figures, keyed by test (`namespace/name`) and agent pod.
///
/// Why a cache: a reconcile that listed a test's reports would cost the apiserver a list of N
/// reports every pass, and reading them out of the FlowTest made every report cost the size of
/// the whole test (N × N; issue 25). Each report object is decoded once when it changes, and a
/// pass reads the decoded figures from memory. A controller restart rebuilds the same figures
/// from the watch's first list: the reports are the truth, the cache only a copy.
final class ReportCache: Sendable {
    private struct State {
        /// Test key → agent pod → its reports.
        var reports: [String: [String: AgentStatus]] = [:]
        /// Namespaces whose first list has arrived (nil: every namespace).
        var listed: Set<String?> = []
    }

    private let state = Mutex(State())
    /// The namespaces watched (nil: every namespace); synced once each has been listed.
    private let namespaces: [String?]
    private let logger: Logger

    init(namespaces: [String]?, logger: Logger) {
        self.namespaces = namespaces.map { $0.map(Optional.some) } ?? [nil]
        self.logger = logger
    }

    /// True once every watched namespace's reports have been listed: before that, a test's
    /// reports may be incomplete, and nothing may be judged from them.
    var isSynced: Bool {
        state.withLock { state in namespaces.allSatisfy { state.listed.contains($0) } }
    }

    /// The reports of the test `name` in `namespace`, by agent pod.
    func agents(namespace: String, flowTest name: String) -> [String: AgentStatus] {
        state.withLock { $0.reports["\(namespace)/\(name)"] ?? [:] }
    }

    /// Replaces what is known of `namespace` (nil: everywhere) with a fresh list; returns the
    /// keys of the tests whose reports are in it or were before.
    func replace(namespace: String?, with objects: [JSONValue]) -> Set<String> {
        let decoded = objects.compactMap(decode)
        return state.withLock { state in
            let before = Set(state.reports.keys.filter { key in namespace.map { key.hasPrefix("\($0)/") } ?? true })
            for key in before { state.reports.removeValue(forKey: key) }
            for (key, pod, agent) in decoded { state.reports[key, default: [:]][pod] = agent }
            state.listed.insert(namespace)
            return before.union(decoded.map(\.key))
        }
    }

    /// Applies one watch event; returns the key of the test the report belongs to.
    func apply(_ object: JSONValue, deleted: Bool) -> String? {
        guard let (key, pod, agent) = decode(object) else { return nil }
        state.withLock { state in
            if deleted {
                state.reports[key]?.removeValue(forKey: pod)
                if state.reports[key]?.isEmpty == true { state.reports.removeValue(forKey: key) }
            } else {
                state.reports[key, default: [:]][pod] = agent
            }
        }
        return key
    }

    /// Forgets a test that is gone.
    func forget(namespace: String, flowTest name: String) {
        _ = state.withLock { $0.reports.removeValue(forKey: "\(namespace)/\(name)") }
    }

    /// The test key, agent pod and reports of a FlowTestReport; nil (logged) for one that does
    /// not decode: another agent's bytes must not stop the rest from counting.
    private func decode(_ object: JSONValue) -> (key: String, pod: String, agent: AgentStatus)? {
        guard let namespace = object["metadata"]?["namespace"]?.string, let test = object["metadata"]?["labels"]?[FlowTestReport.nameLabel]?.string
        else { return nil }
        guard let (pod, agent) = Self.report(in: object) else {
            logger.warning("a FlowTestReport that does not decode is left out", metadata: ["report": "\(namespace)/\(object["metadata"]?["name"]?.string ?? "")"])
            return nil
        }
        return ("\(namespace)/\(test)", pod, agent)
    }

    /// The agent pod a FlowTestReport is named after, and its reports; nil when they do not decode.
    static func report(in object: JSONValue) -> (pod: String, agent: AgentStatus)? {
        guard let pod = object["metadata"]?["name"]?.string,
            let agent = FlowTestStatus.lenientAgents(.object([pod: object["report"] ?? .null])).agents[pod]
        else { return nil }
        return (pod, agent)
    }
}
