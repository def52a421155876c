import FlowTestShared

/// What agents need to report: a ServiceAccount whose Role can only write reports in its own
/// namespace. Shared by every FlowTest of the namespace, so it has no owner and outlives each test.
///
/// Agents report into FlowTestReports, one per pod (DESIGN.md, decision 3): create the first
/// report, get it after a restart, merge-patch their own incarnation. No list, watch, update or
/// delete: an agent never needs to see or remove another's report, and the chart's admission
/// policy (templates/report-policy.yaml) refuses a write to a report not named after the
/// writer's own pod. The `flowtests/status` rule stays until agents have moved to reports.
enum AgentAccess {
    static func serviceAccount(namespace: String) -> JSONValue {
        .object([
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": .object(["name": .string(ChildNames.agentServiceAccount), "namespace": .string(namespace), "labels": labels]),
        ])
    }

    static func role(namespace: String) -> JSONValue {
        .object([
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": .object(["name": .string(ChildNames.agentRole), "namespace": .string(namespace), "labels": labels]),
            "rules": [
                .object(["apiGroups": [.string(FlowTest.group)], "resources": ["flowtests/status"], "verbs": ["get", "patch"]]),
                .object(["apiGroups": [.string(FlowTest.group)], "resources": [.string(FlowTestReport.plural)], "verbs": ["create", "get", "patch"]]),
            ],
        ])
    }

    static func roleBinding(namespace: String) -> JSONValue {
        .object([
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": .object(["name": .string(ChildNames.agentRole), "namespace": .string(namespace), "labels": labels]),
            "roleRef": .object(["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": .string(ChildNames.agentRole)]),
            "subjects": [.object(["kind": "ServiceAccount", "name": .string(ChildNames.agentServiceAccount), "namespace": .string(namespace)])],
        ])
    }

    private static let labels: JSONValue = .object(["app.kubernetes.io/managed-by": .string(ChildNames.managedBy)])
}
