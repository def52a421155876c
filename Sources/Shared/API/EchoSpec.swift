/// The echo servers: how many and where.
public struct EchoSpec: Codable, Sendable, Equatable {
    public var replicas: Int64 = 1
    public var placement: PlacementSpec?

    public init(replicas: Int64 = 1, placement: PlacementSpec? = nil) {
        self.replicas = replicas
        self.placement = placement
    }
}
