extension Schema {
    /// Fills in absent fields that have defaults, as the API server does before validation:
    /// a defaulted object gets its own fields' defaults too.
    public func applyingDefaults(to value: JSONValue) -> JSONValue {
        switch value {
        case .object(var members) where !properties.isEmpty:
            for (name, property) in properties {
                if members[name] == nil, let defaultValue = property.defaultValue { members[name] = defaultValue }
                if let member = members[name] { members[name] = property.applyingDefaults(to: member) }
            }
            return .object(members)
        case .object(let members) where values != nil:
            return .object(members.mapValues { values!.schema.applyingDefaults(to: $0) })
        case .array(let elements) where items != nil:
            return .array(elements.map { items!.schema.applyingDefaults(to: $0) })
        default:
            return value
        }
    }
}
