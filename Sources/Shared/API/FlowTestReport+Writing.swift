extension FlowTestReport {
    /// The report object an agent pod creates with its first report: named after the pod, in
    /// its namespace, labelled with its FlowTest and role, owned by the FlowTest (so deleting
    /// the test garbage-collects its reports), holding this one incarnation.
    ///
    /// The owner reference carries no `blockOwnerDeletion`: with it, clusters that run the
    /// OwnerReferencesPermissionEnforcement admission plugin (OpenShift, hardened clusters) would
    /// refuse the agent's create unless it may also update `flowtests/finalizers`, a permission
    /// agents have no use for. A report has nothing to block its FlowTest's deletion for.
    public static func first(
        pod: String, namespace: String, flowTest: String, flowTestUID: String, role: AgentReport.Role, incarnation: String,
        report: AgentReport
    ) -> FlowTestReport {
        var metadata = ObjectMeta(name: pod, namespace: namespace, labels: [nameLabel: flowTest, roleLabel: role.rawValue])
        metadata.ownerReferences = [
            OwnerReference(apiVersion: FlowTest.apiVersion, kind: FlowTest.kind, name: flowTest, uid: flowTestUID, controller: true, blockOwnerDeletion: nil)
        ]
        return FlowTestReport(
            metadata: metadata, report: AgentStatus(role: role, incarnations: [incarnation: report]),
            latest: AgentHeadline(incarnation: incarnation, report: report))
    }

    /// The JSON merge patch that writes one incarnation's report and the headline, and nothing
    /// else: the other incarnations' keys are untouched, so a restarted process never overwrites
    /// the figures of the one before it (DESIGN.md, decision 6).
    public static func patch(incarnation: String, report: AgentReport) throws -> JSONValue {
        let encoded = try JSONValue(encoding: report)
        let headline = try JSONValue(encoding: AgentHeadline(incarnation: incarnation, report: report))
        return .object(["report": .object(["incarnations": .object([incarnation: encoded])]), "latest": headline])
    }
}
