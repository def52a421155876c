/// Where SciTags fireflies go: one UDP datagram at each flow's start and end.
public struct FireflySpec: Codable, Sendable, Equatable {
    /// The UDP port fireflies go to, at the flow's destination and at no collector port given.
    public var port: Int64 = 10514
    /// Whether fireflies go to the flow's destination (the echo counts what arrives there).
    public var toDestination = true
    /// A collector `host:port` that receives every firefly as well.
    public var collector: String?

    public init(port: Int64 = 10514, toDestination: Bool = true, collector: String? = nil) {
        self.port = port
        self.toDestination = toDestination
        self.collector = collector
    }
}
