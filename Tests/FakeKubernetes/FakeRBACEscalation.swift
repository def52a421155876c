import FlowTestShared

/// kube-apiserver's RBAC escalation prevention (`ConfirmNoEscalation` and the bind check of
/// pkg/registry/rbac): a user may create a Role only with permissions it holds itself, or with the
/// `escalate` verb on roles; a RoleBinding only to a Role whose permissions it holds, or with
/// `bind`. Checked for the tokens a test has given rules to (`FakeAPIStore.grant`): a controller
/// that asked for a Role beyond the chart's ClusterRole would be refused with 403 on a real cluster.
enum FakeRBACEscalation {
    /// What a requester holds: its user name as the server names it, and its rules.
    struct Holder: Sendable {
        var user: String
        var rules: [FakePolicyRule]

        func allows(group: String, resource: String, verb: String) -> Bool {
            rules.contains { $0.allows(group: group, resource: resource, verb: verb) }
        }
    }

    /// The 403 for creating `object` (a Role, or a RoleBinding to `boundRole`), or nil when allowed.
    static func refusal(
        _ object: JSONValue, kind: FakeBuiltinKind, route: FakeAPIRoute, name: String, holder: Holder, boundRole: JSONValue?
    ) -> FakeAPIResponse? {
        let granted: [JSONValue]
        switch kind {
        case .role:
            if holder.allows(group: "rbac.authorization.k8s.io", resource: "roles", verb: "escalate") { return nil }
            granted = object["rules"]?.array ?? []
        case .roleBinding:
            if holder.allows(group: "rbac.authorization.k8s.io", resource: "roles", verb: "bind") { return nil }
            // A binding to a Role that does not exist grants nothing yet (the server allows it).
            granted = boundRole?["rules"]?.array ?? []
        default:
            return nil
        }
        var missing: [String] = []
        for rule in granted {
            let groups = rule["apiGroups"]?.array?.compactMap(\.string) ?? []
            let resources = rule["resources"]?.array?.compactMap(\.string) ?? []
            let verbs = rule["verbs"]?.array?.compactMap(\.string) ?? []
            for group in groups {
                for resource in resources {
                    let lacking = verbs.filter { !holder.allows(group: group, resource: resource, verb: $0) }
                    if !lacking.isEmpty {
                        let quoted = { (values: [String]) in values.map { "\"\($0)\"" }.joined(separator: " ") }
                        missing.append("{APIGroups:[\(quoted([group]))], Resources:[\(quoted([resource]))], Verbs:[\(quoted(lacking))]}")
                    }
                }
            }
        }
        guard !missing.isEmpty else { return nil }
        return .status(
            403, reason: "Forbidden",
            message: "\(route.qualifiedName) \(FakeFieldError.quoted(name)) is forbidden: user \(FakeFieldError.quoted(holder.user)) (groups=[\"system:serviceaccounts\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n\(missing.joined(separator: "\n"))",
            route: route, name: name)
    }
}
