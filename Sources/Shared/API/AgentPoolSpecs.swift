/// The echo servers: how many and where.
public struct EchoSpec: Codable, Sendable, Equatable {
    public var replicas: Int64 = 1
    public var placement: PlacementSpec?

    public init(replicas: Int64 = 1, placement: PlacementSpec? = nil) {
        self.replicas = replicas
        self.placement = placement
    }
}

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

/// A Kubernetes toleration.
public struct Toleration: Codable, Sendable, Equatable {
    public var key: String?
    public var `operator`: String?
    public var value: String?
    public var effect: String?
    public var tolerationSeconds: Int64?

    public init(key: String? = nil, operator: String? = nil, value: String? = nil, effect: String? = nil) {
        self.key = key
        self.operator = `operator`
        self.value = value
        self.effect = effect
    }
}

/// Image overrides for the agent pods.
public struct ImageSpec: Codable, Sendable, Equatable {
    public var agent: String?
    public var pullPolicy: String?

    public init(agent: String? = nil, pullPolicy: String? = nil) {
        self.agent = agent
        self.pullPolicy = pullPolicy
    }
}

/// What a test must achieve to succeed; every threshold set must hold.
public struct ThresholdsSpec: Codable, Sendable, Equatable {
    /// Most failed flows, as a percentage of flows started.
    public var maxFailedFlowsPercent: Double?
    /// Highest acceptable 99th-percentile round-trip time, e.g. `5ms`.
    public var maxRTTP99: String?
    /// Most UDP datagrams lost, as a percentage of those sent.
    public var maxUDPLossPercent: Double?
    /// Fewest flows that must complete.
    public var minFlowsCompleted: Int64?

    public init(
        maxFailedFlowsPercent: Double? = nil, maxRTTP99: String? = nil, maxUDPLossPercent: Double? = nil,
        minFlowsCompleted: Int64? = nil
    ) {
        self.maxFailedFlowsPercent = maxFailedFlowsPercent
        self.maxRTTP99 = maxRTTP99
        self.maxUDPLossPercent = maxUDPLossPercent
        self.minFlowsCompleted = minFlowsCompleted
    }
}
