/// The echo servers: how many, where, and how long they may take to become ready.
public struct EchoSpec: Codable, Sendable, Equatable {
    public var replicas: Int64 = 1
    public var placement: PlacementSpec?
    /// How long the echo pods may take to become ready before the test fails with `EchoNotReady`.
    public var readyTimeout: String = "5m"

    public init(replicas: Int64 = 1, placement: PlacementSpec? = nil, readyTimeout: String = "5m") {
        self.replicas = replicas
        self.placement = placement
        self.readyTimeout = readyTimeout
    }
}
