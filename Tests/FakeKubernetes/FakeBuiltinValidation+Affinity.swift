import FlowTestShared

extension FakeBuiltinValidation {
    /// `validateAffinity` (pkg/apis/core/validation): node affinity's selector terms and their
    /// requirements, pod (anti-)affinity's terms with their topology keys and label selectors,
    /// and the weights of preferred terms. A FlowTest's `placement.affinity` goes into its pods
    /// unchecked by the CRD (Kubernetes' own type), so this is where a wrong one is refused.
    static func affinity(_ spec: JSONValue) -> [FakeFieldError] {
        guard let affinity = spec["affinity"] else { return [] }
        let path = "spec.affinity"
        var errors: [FakeFieldError] = []
        if let node = affinity["nodeAffinity"] {
            let nodePath = "\(path).nodeAffinity"
            if let required = node["requiredDuringSchedulingIgnoredDuringExecution"] {
                let termsPath = "\(nodePath).requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
                let terms = required["nodeSelectorTerms"]?.array ?? []
                if terms.isEmpty { errors.append(.required(termsPath, "must have at least one node selector term")) }
                for (index, term) in terms.enumerated() { errors += nodeSelectorTerm(term, path: "\(termsPath)[\(index)]") }
            }
            for (index, preferred) in (node["preferredDuringSchedulingIgnoredDuringExecution"]?.array ?? []).enumerated() {
                let termPath = "\(nodePath).preferredDuringSchedulingIgnoredDuringExecution[\(index)]"
                errors += weight(preferred["weight"], path: "\(termPath).weight")
                errors += nodeSelectorTerm(preferred["preference"] ?? .object([:]), path: "\(termPath).preference")
            }
        }
        for kind in ["podAffinity", "podAntiAffinity"] {
            guard let pod = affinity[kind] else { continue }
            let podPath = "\(path).\(kind)"
            for (index, term) in (pod["requiredDuringSchedulingIgnoredDuringExecution"]?.array ?? []).enumerated() {
                errors += podAffinityTerm(term, path: "\(podPath).requiredDuringSchedulingIgnoredDuringExecution[\(index)]")
            }
            for (index, preferred) in (pod["preferredDuringSchedulingIgnoredDuringExecution"]?.array ?? []).enumerated() {
                let termPath = "\(podPath).preferredDuringSchedulingIgnoredDuringExecution[\(index)]"
                errors += weight(preferred["weight"], path: "\(termPath).weight")
                errors += podAffinityTerm(preferred["podAffinityTerm"] ?? .object([:]), path: "\(termPath).podAffinityTerm")
            }
        }
        return errors
    }

    /// A preferred term's weight: 1 to 100.
    private static func weight(_ value: JSONValue?, path: String) -> [FakeFieldError] {
        let weight = value?.number ?? 0
        return weight >= 1 && weight <= 100 ? [] : [.invalid(path, value ?? .integer(0), "must be in the range 1-100")]
    }

    /// `validateNodeSelectorTerm`: each match expression's operator, values and key.
    private static func nodeSelectorTerm(_ term: JSONValue, path: String) -> [FakeFieldError] {
        var errors: [FakeFieldError] = []
        for (index, requirement) in (term["matchExpressions"]?.array ?? []).enumerated() {
            errors += selectorRequirement(requirement, path: "\(path).matchExpressions[\(index)]", numeric: true)
        }
        return errors
    }

    /// A node selector requirement (`numeric`: Gt and Lt allowed) or a label selector's: its
    /// operator, the values that operator takes, and a key that is a label name.
    private static func selectorRequirement(_ requirement: JSONValue, path: String, numeric: Bool) -> [FakeFieldError] {
        var errors: [FakeFieldError] = []
        let values = requirement["values"]?.array ?? []
        switch requirement["operator"]?.string ?? "" {
        case "In", "NotIn":
            if values.isEmpty { errors.append(.required("\(path).values", "must be specified when `operator` is 'In' or 'NotIn'")) }
        case "Exists", "DoesNotExist":
            if !values.isEmpty { errors.append(.forbidden("\(path).values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")) }
        case "Gt" where numeric, "Lt" where numeric:
            if values.count != 1 { errors.append(.required("\(path).values", "must be specified single value when `operator` is 'Lt' or 'Gt'")) }
        default:
            errors.append(.invalid("\(path).operator", requirement["operator"] ?? .string(""), "not a valid selector operator"))
        }
        return errors + labelName(requirement["key"]?.string ?? "", path: "\(path).key")
    }

    /// `validatePodAffinityTerm`: a topology key that is a label name, and a valid label selector.
    private static func podAffinityTerm(_ term: JSONValue, path: String) -> [FakeFieldError] {
        var errors: [FakeFieldError] = []
        let topologyKey = term["topologyKey"]?.string ?? ""
        if topologyKey.isEmpty {
            errors.append(.required("\(path).topologyKey", "can not be empty"))
        } else {
            errors += labelName(topologyKey, path: "\(path).topologyKey")
        }
        if let selector = term["labelSelector"] {
            errors += labels(selector["matchLabels"], path: "\(path).labelSelector.matchLabels")
            for (index, requirement) in (selector["matchExpressions"]?.array ?? []).enumerated() {
                errors += selectorRequirement(requirement, path: "\(path).labelSelector.matchExpressions[\(index)]", numeric: false)
            }
        }
        return errors
    }

    /// `ValidateLabelName`: a qualified name.
    private static func labelName(_ name: String, path: String) -> [FakeFieldError] {
        FakeNameRules.isQualifiedName(name).map { .invalid(path, .string(name), $0) }
    }
}
