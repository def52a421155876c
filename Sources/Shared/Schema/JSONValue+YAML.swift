import Yams

extension JSONValue {
    /// Parses one YAML document into JSON values, typing scalars the way Kubernetes does
    /// (YAML 1.2 core schema: `8080` is an integer, `"8080"` a string, `true` a boolean).
    public init(yaml: String) throws {
        let composed: Node?
        do { composed = try Yams.compose(yaml: yaml) } catch { throw YAMLInputError(message: "\(error)") }
        guard let node = composed else {
            throw YAMLInputError(message: "the document is empty")
        }
        self = try Self.value(of: node)
    }

    private static func value(of node: Node) throws -> JSONValue {
        switch node {
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.string else { throw YAMLInputError(message: "a mapping key is not a string (line \(key.mark?.line ?? 0))") }
                guard members[name] == nil else { throw YAMLInputError(message: "duplicate key \"\(name)\" (line \(key.mark?.line ?? 0))") }
                members[name] = try self.value(of: value)
            }
            return .object(members)
        case .sequence(let sequence):
            return .array(try sequence.map(value(of:)))
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case .int: return node.int.map { .integer(Int64($0)) } ?? .string(scalar.string)
            case .float: return node.float.map(JSONValue.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .alias:
            throw YAMLInputError(message: "YAML aliases are not supported")
        }
    }
}

/// A YAML document that could not be read as JSON-compatible data.
public struct YAMLInputError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
