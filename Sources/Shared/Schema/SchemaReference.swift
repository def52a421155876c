import Foundation

/// A schema as Markdown for people: one table row per field, with its path, type, default,
/// allowed values and description, and a table of the cross-field rules.
///
/// It reads the same `Schema` values the CRD is rendered from, so the reference cannot say
/// anything the API server does not enforce (docs/flowtest-fields.md is its output).
public enum SchemaReference {
    /// A field's table row: `| path | type | default | allowed values | description |`.
    public static let fieldHeader = "| field | type | default | allowed values | description |\n|---|---|---|---|---|\n"
    /// A rule's table row: `| field | rule (CEL) | message |`, the field being where the API
    /// server reports a broken rule.
    public static let ruleHeader = "| field | rule (CEL) | message |\n|---|---|---|\n"

    /// Rows for every field below `schema`, depth first and alphabetically within an object, so
    /// the output is the same on every run. `path` is the node's own path (`spec`).
    public static func fieldRows(_ schema: Schema, path: String) -> String {
        var rows = ""
        for name in schema.properties.keys.sorted() {
            let field = schema.properties[name]!
            let fieldPath = path.isEmpty ? name : "\(path).\(name)"
            rows += row(field, path: fieldPath, required: schema.required.contains(name))
            rows += fieldRows(below: field, path: fieldPath)
        }
        return rows
    }

    /// Rows for the cross-field rules of `schema` and of every object below it.
    public static func ruleRows(_ schema: Schema, path: String) -> String {
        var rows = schema.rules.map { rule in
            // Where the API server reports the error: the object, or the rule's fieldPath in it.
            let field = (path + (rule.fieldPath ?? "")).drop { $0 == "." }
            let when = rule.holdsOnUpdate == nil ? "" : " (on update)"
            return "| `\(field.isEmpty ? "(the object)" : String(field))` | `\(cell(rule.cel))`\(when) | \(cell(rule.message)) |\n"
        }.joined()
        for name in schema.properties.keys.sorted() {
            rows += ruleRows(schema.properties[name]!, path: path.isEmpty ? name : "\(path).\(name)")
        }
        if let items = schema.items { rows += ruleRows(items.schema, path: path + "[]") }
        if let values = schema.values { rows += ruleRows(values.schema, path: path + ".<key>") }
        return rows
    }

    /// Objects inside arrays and maps get rows of their own (`ports.tcp[]` is folded into its
    /// array's row instead: a scalar item has nothing but its constraints).
    private static func fieldRows(below field: Schema, path: String) -> String {
        if let items = field.items?.schema, items.kind == .object, !items.properties.isEmpty {
            return fieldRows(items, path: path + "[]")
        }
        if let values = field.values?.schema, values.kind == .object {
            return values.properties.isEmpty ? "" : fieldRows(values, path: path + ".<key>")
        }
        return field.validatesMembers ? fieldRows(field, path: path) : ""
    }

    private static func row(_ field: Schema, path: String, required: Bool) -> String {
        let description = field.description.isEmpty && !field.validatesMembers
            ? "Standard Kubernetes object metadata; the API server validates it." : field.description
        let columns = [
            "`\(path)`", field.referenceType + (required ? ", required" : ""), field.defaultValue.map { "`\(cell(text($0)))`" } ?? "",
            field.referenceConstraints.joined(separator: "; "), cell(description),
        ]
        return "| " + columns.joined(separator: " | ") + " |\n"
    }

    /// A default as it would be written in YAML flow style's JSON subset: a string bare, anything
    /// else as compact JSON with sorted keys.
    private static func text(_ value: JSONValue) -> String {
        if case .string(let string) = value { return string }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Only a non-finite double fails to encode, and a schema's defaults are literals.
        return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "\(value)"
    }

    /// Text fit for a table cell: one line, with pipes escaped (GitHub reads `\|` as `|`, in code
    /// spans too).
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "|", with: "\\|")
    }
}
