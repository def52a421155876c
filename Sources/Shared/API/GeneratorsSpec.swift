/// The generators: how many and where.
public struct GeneratorsSpec: Codable, Sendable, Equatable {
    public var replicas: Int64 = 1
    public var placement: PlacementSpec?
    /// Keep generators off the nodes that run echo servers, so flows cross the network.
    public var avoidEchoNodes = false

    public init(replicas: Int64 = 1, placement: PlacementSpec? = nil, avoidEchoNodes: Bool = false) {
        self.replicas = replicas
        self.placement = placement
        self.avoidEchoNodes = avoidEchoNodes
    }
}
