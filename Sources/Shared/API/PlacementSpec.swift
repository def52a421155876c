/// Pod placement, as in a pod spec.
public struct PlacementSpec: Codable, Sendable, Equatable {
    public var nodeSelector: [String: String]?
    public var tolerations: [Toleration]?
    /// A Kubernetes `Affinity`, passed to the pods unchanged.
    public var affinity: JSONValue?

    public init(nodeSelector: [String: String]? = nil, tolerations: [Toleration]? = nil, affinity: JSONValue? = nil) {
        self.nodeSelector = nodeSelector
        self.tolerations = tolerations
        self.affinity = affinity
    }
}
