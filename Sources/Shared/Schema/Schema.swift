/// An OpenAPI v3 schema node, as a CRD's structural schema needs it, plus the cross-field rules
/// of that node.
///
/// The FlowTest API declares its schema with these values next to its Swift types; the CRD is
/// rendered from them (`CRDRenderer`) and local mode validates with them (`SchemaValidator`), so
/// the cluster and `flowtest-agent run` accept and reject exactly the same manifests.
public struct Schema: Sendable {
    public enum Kind: String, Sendable {
        case object, string, integer, number, boolean, array
        /// An integer or a string (`x-kubernetes-int-or-string`), such as a port or a DSCP name.
        case intOrString
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
