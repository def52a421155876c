extension Schema {
    /// The node as an OpenAPI v3 structural schema, with CEL rules as `x-kubernetes-validations`.
    public var openAPI: JSONValue {
        var node: [String: JSONValue] =
            kind == .intOrString
            ? ["x-kubernetes-int-or-string": true, "anyOf": [.object(["type": "integer"]), .object(["type": "string"])]]
            : ["type": .string(kind.rawValue)]
        if !description.isEmpty { node["description"] = .string(description) }
        if let format { node["format"] = .string(format) }
        if let enumValues { node["enum"] = .array(enumValues.map(JSONValue.string)) }
        if let minimum { node["minimum"] = Self.number(minimum) }
        if let maximum { node["maximum"] = Self.number(maximum) }
        if let pattern { node["pattern"] = .string(pattern) }
        if let maxLength { node["maxLength"] = .integer(Int64(maxLength)) }
        if let maxItems { node["maxItems"] = .integer(Int64(maxItems)) }
        if let defaultValue { node["default"] = defaultValue }
        if !properties.isEmpty { node["properties"] = .object(properties.mapValues(\.openAPI)) }
        if !required.isEmpty { node["required"] = .array(required.map(JSONValue.string)) }
        if let items { node["items"] = items.schema.openAPI }
        if let values { node["additionalProperties"] = values.schema.openAPI }
        if preservesUnknownFields { node["x-kubernetes-preserve-unknown-fields"] = .bool(true) }
        if let listType { node["x-kubernetes-list-type"] = .string(listType) }
        if let listMapKeys { node["x-kubernetes-list-map-keys"] = .array(listMapKeys.map(JSONValue.string)) }
        if !rules.isEmpty {
            node["x-kubernetes-validations"] = .array(
                rules.map { rule in
                    var entry: [String: JSONValue] = ["rule": .string(rule.cel), "message": .string(rule.message)]
                    if let fieldPath = rule.fieldPath { entry["fieldPath"] = .string(fieldPath) }
                    return .object(entry)
                })
        }
        return .object(node)
    }

    private static func number(_ value: Double) -> JSONValue {
        value.rounded() == value && abs(value) < 1e15 ? .integer(Int64(value)) : .double(value)
    }
}
