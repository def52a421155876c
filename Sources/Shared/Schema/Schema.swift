/// An OpenAPI v3 schema node, as a CRD's structural schema needs it, plus the cross-field rules
/// of that node.
///
/// The FlowTest API declares its schema with these values next to its Swift types; the CRD is
/// rendered from them (`CRDRenderer`) and local mode validates with them (`SchemaValidator`), so
/// the cluster and `flowtest-agent run` accept and reject exactly the same manifests.
public struct Schema: Sendable {
    public enum Kind: String, Sendable {
        case object, string, integer, number, boolean, array
    }

    public var kind: Kind
    public var description: String
    public var format: String?
    public var enumValues: [String]?
    public var minimum: Double?
    public var maximum: Double?
    public var pattern: String?
    /// A human form of `pattern` for local error messages ("a duration such as 10s").
    public var patternMeaning: String?
    public var maxLength: Int?
    public var maxItems: Int?
    public var defaultValue: JSONValue?
    public var properties: [String: Schema] = [:]
    public var required: [String] = []
    public var items: SchemaBox?
    /// For maps (`additionalProperties`).
    public var values: SchemaBox?
    public var preservesUnknownFields = false
    /// False for nodes the API server validates itself (`metadata`): their members are not
    /// checked here, and nothing about them goes into the CRD beyond the type.
    public var validatesMembers = true
    /// `x-kubernetes-list-type`, for arrays.
    public var listType: String?
    /// `x-kubernetes-list-map-keys`, for `listType: map`.
    public var listMapKeys: [String]?
    public var rules: [ValidationRule] = []

    public init(kind: Kind, description: String) {
        self.kind = kind
        self.description = description
    }
}

/// Boxes a schema so `Schema` can contain schemas (array items, map values).
public final class SchemaBox: Sendable {
    public let schema: Schema
    public init(_ schema: Schema) { self.schema = schema }
}

/// A rule across several fields of one object: a CEL expression for the API server and the same
/// rule in Swift for local mode, with one message for both.
public struct ValidationRule: Sendable {
    /// CEL, evaluated by the API server with `self` bound to the object.
    public var cel: String
    public var message: String
    /// Where the error is reported, relative to the object (`.flows.minDuration`); nil: the object.
    public var fieldPath: String?
    /// The same rule in Swift, given the object after defaulting.
    public var holds: @Sendable (JSONValue) -> Bool
    /// For a transition rule (its CEL reads `oldSelf`): the rule in Swift, given the stored and
    /// the proposed object. Transition rules only apply to updates, so local mode never checks them.
    public var holdsOnUpdate: (@Sendable (_ old: JSONValue, _ new: JSONValue) -> Bool)?

    public init(cel: String, message: String, fieldPath: String? = nil, holds: @escaping @Sendable (JSONValue) -> Bool) {
        self.cel = cel
        self.message = message
        self.fieldPath = fieldPath
        self.holds = holds
    }

    /// A rule about how an object may change from one version to the next.
    public static func transition(
        cel: String, message: String, fieldPath: String? = nil, holds: @escaping @Sendable (_ old: JSONValue, _ new: JSONValue) -> Bool
    ) -> ValidationRule {
        var rule = ValidationRule(cel: cel, message: message, fieldPath: fieldPath) { _ in true }
        rule.holdsOnUpdate = holds
        return rule
    }
}
