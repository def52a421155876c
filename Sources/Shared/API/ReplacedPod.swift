/// An agent pod the controller replaced, and why it ended: kept in the status so that the final
/// accounting can say why an incarnation never sent its final report, after a controller
/// restart too (the reconciler keeps no state of its own, and the pod itself is gone).
public struct ReplacedPod: Codable, Sendable, Equatable {
    /// The pod's name (the agent's name); its replacement has the same one.
    public var name: String
    /// The first 8 characters of its UID, as its incarnations' keys begin; empty when it was
    /// deleted before it ever reported (its UID is then unknown).
    public var uidPrefix: String
    /// What is known of why it ended: deleted, or its phase and last exit (code, OOMKilled).
    public var cause: String
    /// When the controller saw it gone or ended.
    public var time: String

    public init(name: String, uidPrefix: String, cause: String, time: String) {
        self.name = name
        self.uidPrefix = uidPrefix
        self.cause = cause
        self.time = time
    }

    /// The most kept: the oldest go first, so the status stays bounded whatever happens.
    public static let limit = 32
}
