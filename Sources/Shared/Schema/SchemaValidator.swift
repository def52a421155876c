import Foundation

/// Checks a JSON value against a `Schema` the way the API server checks a custom resource.
///
/// Differences, on purpose: unknown fields are errors here (the API server prunes them silently,
/// and a typo in a local file should not be), and cross-field rules run in Swift instead of CEL.
/// As on the server, cross-field rules are only checked once the value has no schema errors.
public struct SchemaValidator {
    private var errors: [FieldError] = []

    /// All problems of `value` (already defaulted) against `schema`, rooted at `path`.
    public static func validate(_ value: JSONValue, against schema: Schema, path: String) -> [FieldError] {
        var validator = SchemaValidator()
        validator.check(value, schema, path)
        guard validator.errors.isEmpty else { return validator.errors }
        validator.checkRules(value, schema, path)
        return validator.errors
    }

    /// `parent.name`, or `name` at the root.
    private static func join(_ parent: String, _ name: String) -> String {
        parent.isEmpty ? name : parent + "." + name
    }

    /// The transition rules of `schema`'s root violated by changing `old` into `new`, as the API
    /// server checks them on updates.
    public static func validateUpdate(from old: JSONValue, to new: JSONValue, against schema: Schema) -> [FieldError] {
        schema.rules.compactMap { rule in
            guard let holds = rule.holdsOnUpdate, !holds(old, new) else { return nil }
            return FieldError(field: rule.fieldPath.map { String($0.dropFirst()) } ?? "<root>", message: "Invalid value: \(rule.message)")
        }
    }

    private mutating func fail(_ path: String, _ message: String) {
        errors.append(FieldError(field: path, message: message))
    }

    private mutating func check(_ value: JSONValue, _ schema: Schema, _ path: String) {
        guard matchesKind(value, schema.kind) else {
            return fail(path, "Invalid value: \"\(value.typeName)\": \(path) in body must be of type \(schema.kind == .intOrString ? "integer,string" : schema.kind.rawValue): \"\(value.typeName)\"")
        }
        switch value {
        case .object(let members):
            if schema.preservesUnknownFields || !schema.validatesMembers { return }
            for name in schema.required where members[name] == nil {
                fail(Self.join(path, name), "Required value")
            }
            for name in members.keys.sorted() {
                let child = Self.join(path, name)
                if let property = schema.properties[name] {
                    check(members[name]!, property, child)
                } else if let values = schema.values {
                    check(members[name]!, values.schema, child)
                } else {
                    fail(child, "Unknown field: field not declared in schema")
                }
            }
        case .array(let elements):
            if let maxItems = schema.maxItems, elements.count > maxItems {
                fail(path, "Too many: \(elements.count): must have at most \(maxItems) items")
            }
            if let items = schema.items {
                for (index, element) in elements.enumerated() { check(element, items.schema, "\(path)[\(index)]") }
            }
            if schema.listType == "set", Set(elements).count != elements.count {
                fail(path, "Duplicate value: \(path) must not contain the same value twice")
            }
            if schema.listType == "map", let keys = schema.listMapKeys {
                checkMapKeys(elements, keys, path)
            }
        case .string(let text):
            checkString(text, schema, path)
        case .integer, .double:
            checkNumber(value, schema, path)
        default:
            break
        }
    }

    /// A `listType: map` list holds each key at most once; the API server refuses the second entry.
    private mutating func checkMapKeys(_ elements: [JSONValue], _ keys: [String], _ path: String) {
        var seen = Set<[JSONValue?]>()
        for (index, element) in elements.enumerated() {
            let key = keys.map { element[$0] }
            if !seen.insert(key).inserted {
                // Go's %#v of the key fields, as the API server prints them.
                let shown = zip(keys, key).map { name, value in
                    "\"\(name)\":" + (value?.string.map { "\"\($0)\"" } ?? value?.number.map { "\(Int64($0))" } ?? "interface {}(nil)")
                }.joined(separator: ", ")
                fail("\(path)[\(index)]", "Duplicate value: map[string]interface {}{\(shown)}")
            }
        }
    }

    private mutating func checkString(_ text: String, _ schema: Schema, _ path: String) {
        if let allowed = schema.enumValues, !allowed.contains(text) {
            let supported = allowed.map { "\"\($0)\"" }.joined(separator: ", ")
            return fail(path, "Unsupported value: \"\(text)\": supported values: \(supported)")
        }
        if let maxLength = schema.maxLength, text.utf8.count > maxLength {
            return fail(path, "Too long: may not be more than \(maxLength) bytes")
        }
        if let pattern = schema.pattern, text.range(of: pattern, options: .regularExpression) == nil {
            let meaning = schema.patternMeaning.map { " (\($0))" } ?? ""
            fail(path, "Invalid value: \"\(text)\": \(path) in body should match '\(pattern)'\(meaning)")
        }
    }

    private mutating func checkNumber(_ value: JSONValue, _ schema: Schema, _ path: String) {
        guard let number = value.number else { return }
        let shown = Self.show(value)
        if let minimum = schema.minimum, number < minimum {
            fail(path, "Invalid value: \(shown): \(path) in body should be greater than or equal to \(Self.show(minimum))")
        }
        if let maximum = schema.maximum, number > maximum {
            fail(path, "Invalid value: \(shown): \(path) in body should be less than or equal to \(Self.show(maximum))")
        }
    }

    private mutating func checkRules(_ value: JSONValue, _ schema: Schema, _ path: String) {
        for rule in schema.rules where !rule.holds(value) {
            let field = rule.fieldPath.map { Self.join(path, String($0.dropFirst())) } ?? path
            fail(field, "Invalid value: \(rule.message)")
        }
        switch value {
        case .object(let members):
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = schema.properties[name] {
                    checkRules(member, property, Self.join(path, name))
                } else if let values = schema.values {
                    checkRules(member, values.schema, Self.join(path, name))
                }
            }
        case .array(let elements):
            guard let items = schema.items else { return }
            for (index, element) in elements.enumerated() { checkRules(element, items.schema, "\(path)[\(index)]") }
        default:
            break
        }
    }

    private func matchesKind(_ value: JSONValue, _ kind: Schema.Kind) -> Bool {
        switch (value, kind) {
        case (.object, .object), (.string, .string), (.integer, .integer), (.bool, .boolean), (.array, .array): true
        case (.integer, .number), (.double, .number), (.integer, .intOrString), (.string, .intOrString): true
        default: false
        }
    }

    private static func show(_ value: JSONValue) -> String {
        switch value {
        case .integer(let number): String(number)
        case .double(let number): show(number)
        default: "\(value)"
        }
    }

    private static func show(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}
