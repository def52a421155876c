/// Concise constructors for the FlowTest API's schema declarations.
extension Schema {
    /// Durations as Go and CEL's `duration()` read them, one unit: `500ms`, `2s`, `1.5m`, `0`.
    public static let durationPattern = #"^(0|[0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))$"#

    public static func object(
        _ description: String, required: [String] = [], rules: [ValidationRule] = [], _ properties: [String: Schema]
    ) -> Schema {
        var schema = Schema(kind: .object, description: description)
        schema.properties = properties
        schema.required = required
        schema.rules = rules
        return schema
    }

    public static func string(
        _ description: String, enum values: [String]? = nil, default value: String? = nil, maxLength: Int? = 253
    ) -> Schema {
        var schema = Schema(kind: .string, description: description)
        schema.enumValues = values
        schema.defaultValue = value.map(JSONValue.string)
        schema.maxLength = values == nil ? maxLength : nil
        return schema
    }

    public static func duration(_ description: String, default value: String? = nil) -> Schema {
        var schema = Schema(kind: .string, description: description)
        schema.pattern = durationPattern
        schema.patternMeaning = "a duration such as 500ms, 10s or 5m"
        schema.maxLength = 32
        schema.defaultValue = value.map(JSONValue.string)
        return schema
    }

    /// A string that must match `regex`; `meaning` says in words what it expects.
    public static func pattern(_ description: String, _ regex: String, meaning: String, maxLength: Int) -> Schema {
        var schema = Schema(kind: .string, description: description)
        schema.pattern = regex
        schema.patternMeaning = meaning
        schema.maxLength = maxLength
        return schema
    }

    public static func integer(
        _ description: String, minimum: Int64? = nil, maximum: Int64? = nil, default value: Int64? = nil, format: String = "int64"
    ) -> Schema {
        var schema = Schema(kind: .integer, description: description)
        schema.format = format
        schema.minimum = minimum.map(Double.init)
        schema.maximum = maximum.map(Double.init)
        schema.defaultValue = value.map(JSONValue.integer)
        return schema
    }

    public static func number(_ description: String, minimum: Double? = nil, maximum: Double? = nil) -> Schema {
        var schema = Schema(kind: .number, description: description)
        schema.minimum = minimum
        schema.maximum = maximum
        return schema
    }

    public static func boolean(_ description: String, default value: Bool? = nil) -> Schema {
        var schema = Schema(kind: .boolean, description: description)
        schema.defaultValue = value.map(JSONValue.bool)
        return schema
    }

    public static func array(
        _ description: String, of items: Schema, maxItems: Int? = nil, listType: String? = nil, default value: JSONValue? = nil
    ) -> Schema {
        var schema = Schema(kind: .array, description: description)
        schema.items = SchemaBox(items)
        schema.maxItems = maxItems
        schema.listType = listType
        schema.defaultValue = value
        return schema
    }

    public static func map(_ description: String, values: Schema) -> Schema {
        var schema = Schema(kind: .object, description: description)
        schema.values = SchemaBox(values)
        return schema
    }

    /// An object passed through unchecked (Kubernetes' own types such as `affinity`).
    public static func passThrough(_ description: String) -> Schema {
        var schema = Schema(kind: .object, description: description)
        schema.preservesUnknownFields = true
        return schema
    }

    /// The same schema with a default.
    public func defaulting(to value: JSONValue) -> Schema {
        var schema = self
        schema.defaultValue = value
        return schema
    }
}
