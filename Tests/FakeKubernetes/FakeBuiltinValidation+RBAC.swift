import FlowTestShared

extension FakeBuiltinValidation {
    /// `ValidateRole`: each rule has verbs, and either resources with API groups or (not in a
    /// namespaced Role) non-resource URLs.
    static func role(_ role: JSONValue) -> [FakeFieldError] {
        var errors: [FakeFieldError] = []
        for (index, rule) in (role["rules"]?.array ?? []).enumerated() {
            let path = "rules[\(index)]"
            let count = { (field: String) in rule[field]?.array?.count ?? 0 }
            if count("verbs") == 0 { errors.append(.required("\(path).verbs", "verbs must contain at least one value")) }
            if count("nonResourceURLs") > 0 {
                let urls = rule["nonResourceURLs"] ?? .null
                errors.append(.invalid("\(path).nonResourceURLs", urls, "namespaced rules cannot apply to non-resource URLs"))
                if count("apiGroups") > 0 || count("resources") > 0 || count("resourceNames") > 0 {
                    errors.append(.invalid("\(path).nonResourceURLs", urls, "rules cannot apply to both regular resources and non-resource URLs"))
                }
                continue
            }
            if count("apiGroups") == 0 { errors.append(.required("\(path).apiGroups", "resource rules must supply at least one api group")) }
            if count("resources") == 0 { errors.append(.required("\(path).resources", "resource rules must supply at least one resource")) }
        }
        return errors
    }

    /// `ValidateRoleBinding`: a roleRef to a Role or ClusterRole by name (its apiGroup defaults to
    /// rbac.authorization.k8s.io), subjects with a kind and a name.
    static func roleBinding(_ binding: JSONValue) -> [FakeFieldError] {
        var errors: [FakeFieldError] = []
        let reference = binding["roleRef"] ?? .object([:])
        let group = reference["apiGroup"]?.string ?? ""
        if group != "rbac.authorization.k8s.io" { errors.append(.notSupported("roleRef.apiGroup", .string(group), ["rbac.authorization.k8s.io"])) }
        let kind = reference["kind"]?.string ?? ""
        if !["Role", "ClusterRole"].contains(kind) { errors.append(.notSupported("roleRef.kind", .string(kind), ["Role", "ClusterRole"])) }
        let name = reference["name"]?.string ?? ""
        if name.isEmpty {
            errors.append(.required("roleRef.name"))
        } else {
            errors += FakeNameRules.isValidPathSegmentName(name).map { .invalid("roleRef.name", .string(name), $0) }
        }
        for (index, subject) in (binding["subjects"]?.array ?? []).enumerated() {
            let path = "subjects[\(index)]"
            let subjectName = subject["name"]?.string ?? ""
            let subjectGroup = subject["apiGroup"]?.string ?? ""
            if subjectName.isEmpty { errors.append(.required("\(path).name")) }
            switch subject["kind"]?.string ?? "" {
            case "ServiceAccount":
                if !subjectName.isEmpty { errors += FakeNameRules.isDNS1123Subdomain(subjectName).map { .invalid("\(path).name", .string(subjectName), $0) } }
                if !subjectGroup.isEmpty { errors.append(.notSupported("\(path).apiGroup", .string(subjectGroup), [""])) }
            case "User", "Group":
                if subjectGroup != "rbac.authorization.k8s.io" {
                    errors.append(.notSupported("\(path).apiGroup", .string(subjectGroup), ["rbac.authorization.k8s.io"]))
                }
            case let other:
                errors.append(.notSupported("\(path).kind", .string(other), ["ServiceAccount", "User", "Group"]))
            }
        }
        return errors
    }
}
