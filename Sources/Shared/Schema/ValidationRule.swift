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
