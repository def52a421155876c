import Foundation

extension Schema {
    /// The node's type in words, for the field reference: `array of integer`, `map of string`.
    var referenceType: String {
        switch kind {
        case .intOrString: return "integer or string"
        case .array: return "array of " + (items.map { $0.schema.referenceType } ?? "any")
        case .object:
            if let values { return "map of " + values.schema.referenceType }
            return preservesUnknownFields ? "object (any fields)" : "object"
        case .integer, .number, .string, .boolean:
            guard let format, format != "int64" else { return kind.rawValue }
            return "\(kind.rawValue) (\(format))"
        }
    }

    /// Enums, ranges, patterns and lengths, for the field reference; a scalar array's or map's
    /// items' own too, since those items get no row of their own.
    var referenceConstraints: [String] {
        var parts: [String] = []
        if let enumValues { parts.append("one of " + enumValues.map { "`\($0)`" }.joined(separator: ", ")) }
        switch (minimum, maximum) {
        case let (minimum?, maximum?): parts.append("\(Self.referenceNumber(minimum)) to \(Self.referenceNumber(maximum))")
        case let (minimum?, nil): parts.append("at least \(Self.referenceNumber(minimum))")
        case let (nil, maximum?): parts.append("at most \(Self.referenceNumber(maximum))")
        case (nil, nil): break
        }
        if let pattern {
            // Pipes are escaped for the table cell; GitHub reads `\|` as `|` in code spans too.
            parts.append((patternMeaning.map { "\($0): " } ?? "") + "`\(pattern.replacingOccurrences(of: "|", with: "\\|"))`")
        }
        if let maxLength { parts.append("at most \(maxLength) characters") }
        if let maxItems { parts.append("at most \(maxItems) items") }
        if let listType {
            parts.append("list type `\(listType)`" + (listMapKeys.map { " keyed by " + $0.map { "`\($0)`" }.joined(separator: ", ") } ?? ""))
        }
        if let item = items?.schema, item.kind != .object, !item.referenceConstraints.isEmpty {
            parts.append("each item: " + item.referenceConstraints.joined(separator: ", "))
        }
        if let value = values?.schema, value.kind != .object, !value.referenceConstraints.isEmpty {
            parts.append("each value: " + value.referenceConstraints.joined(separator: ", "))
        }
        return parts
    }

    private static func referenceNumber(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
