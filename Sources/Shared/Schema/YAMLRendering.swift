import Yams

/// Renders JSON values as YAML with a stable, readable key order, so generated files diff well
/// and a staleness test can compare them byte for byte.
public enum YAMLRendering {
    /// Keys that read best first; all others follow alphabetically.
    private static let leadingKeys = [
        "apiVersion", "kind", "metadata", "name", "namespace", "spec", "group", "scope", "names", "versions", "type",
        "format", "description", "rule", "message", "fieldPath", "jsonPath", "served", "storage",
    ]

    public static func yaml(_ value: JSONValue) throws -> String {
        try Yams.serialize(node: node(value), width: -1, sortKeys: false)
    }

    static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
        case .integer(let number): return Node(String(number), Tag(.int))
        case .double(let number): return Node(String(number), Tag(.float))
        case .string(let text): return Node(text, Tag(.str), Self.style(for: text))
        case .array(let elements): return Node(elements.map(node))
        case .object(let members):
            let keys = members.keys.sorted { a, b in
                let (ia, ib) = (leadingKeys.firstIndex(of: a) ?? Int.max, leadingKeys.firstIndex(of: b) ?? Int.max)
                return ia != ib ? ia < ib : a < b
            }
            return Node(keys.map { (Node($0), node(members[$0]!)) })
        }
    }

    /// Quotes strings YAML would otherwise read as another type ("True", "1.0", "null").
    private static func style(for text: String) -> Node.Scalar.Style {
        let plain = Node(text)
        let readsAsString = (plain.bool == nil && plain.int == nil && plain.float == nil && plain.null == nil)
        return readsAsString ? .any : .doubleQuoted
    }
}
