/// One RBAC rule a requester holds (`rbacv1.PolicyRule` without resource names): what the
/// escalation check compares a new Role's rules with.
public struct FakePolicyRule: Sendable, Equatable {
    public var apiGroups: [String]
    public var resources: [String]
    public var verbs: [String]

    public init(apiGroups: [String], resources: [String], verbs: [String]) {
        self.apiGroups = apiGroups
        self.resources = resources
        self.verbs = verbs
    }

    /// Whether this rule allows `verb` on `resource` of `group` (`*` matches anything).
    func allows(group: String, resource: String, verb: String) -> Bool {
        (apiGroups.contains(group) || apiGroups.contains("*")) && (resources.contains(resource) || resources.contains("*"))
            && (verbs.contains(verb) || verbs.contains("*"))
    }
}
