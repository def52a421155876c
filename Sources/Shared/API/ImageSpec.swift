/// Image overrides for the agent pods.
public struct ImageSpec: Codable, Sendable, Equatable {
    public var agent: String?
    public var pullPolicy: String?

    public init(agent: String? = nil, pullPolicy: String? = nil) {
        self.agent = agent
        self.pullPolicy = pullPolicy
    }
}
