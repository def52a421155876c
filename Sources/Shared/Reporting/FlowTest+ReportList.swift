import Foundation

extension FlowTest {
    /// This test and its agents' reports as the cluster holds them, in the shape
    /// `kubectl get flowtest,flowtestreports -l flowtest.dev/name=NAME -o yaml` prints: a `List`
    /// of the FlowTest (its status without the reports) and one FlowTestReport per agent, from
    /// the reports held in memory under `status.agents`. What local mode prints and
    /// `flowtest-agent report` reads.
    public func reportList() throws -> JSONValue {
        var items = [try JSONValue(encoding: self)]
        for (pod, agent) in (status?.agents ?? [:]).sorted(by: { $0.key < $1.key }) {
            var metadata = ObjectMeta(
                name: pod, namespace: self.metadata.namespace,
                labels: [FlowTestReport.nameLabel: self.metadata.name ?? "", FlowTestReport.roleLabel: agent.role.rawValue])
            if let uid = self.metadata.uid, let name = self.metadata.name {
                metadata.ownerReferences = [OwnerReference(apiVersion: FlowTest.apiVersion, kind: FlowTest.kind, name: name, uid: uid, controller: true, blockOwnerDeletion: nil)]
            }
            let latest = agent.latestKey.flatMap { key in agent.incarnations[key].map { AgentHeadline(incarnation: key, report: $0) } }
            items.append(try JSONValue(encoding: FlowTestReport(metadata: metadata, report: agent, latest: latest)))
        }
        return .object(["apiVersion": "v1", "kind": "List", "metadata": .object(["resourceVersion": ""]), "items": .array(items)])
    }
}
