import FlowTestShared

extension Schema {
    /// `value` without the fields this (structural) schema does not declare, as kube-apiserver
    /// prunes a custom resource on every write: silently, spec and status alike. A fake that kept
    /// them let a controller rely on a status field its CRD did not have, which the real server
    /// would drop. `x-kubernetes-preserve-unknown-fields` keeps a subtree; `metadata` is the
    /// server's own (validated as ObjectMeta, never pruned by the schema).
    func pruning(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            if preservesUnknownFields || !validatesMembers { return value }
            if let values { return .object(members.mapValues { values.schema.pruning($0) }) }
            var kept: [String: JSONValue] = [:]
            for (name, member) in members {
                guard let property = properties[name] else { continue }
                kept[name] = property.pruning(member)
            }
            return .object(kept)
        case .array(let elements):
            guard let items else { return value }
            return .array(elements.map { items.schema.pruning($0) })
        default:
            return value
        }
    }
}
