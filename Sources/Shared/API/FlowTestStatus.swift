/// What a FlowTest has done so far. The controller alone writes phase, conditions and summary;
/// each agent writes only its own entry of `agents` (DESIGN.md, decision 3).
public struct FlowTestStatus: Codable, Sendable, Equatable {
    public var phase: FlowTestPhase?
    public var observedGeneration: Int64?
    public var startTime: String?
    public var completionTime: String?
    public var conditions: [FlowTestCondition]?
    public var summary: FlowTestSummary?
    /// One entry per agent, keyed by agent (pod) name, so concurrent merge patches never collide.
    public var agents: [String: AgentReport]?

    public init() {}
}

/// Where a FlowTest is in its life.
public enum FlowTestPhase: String, Codable, Sendable, CaseIterable {
    case pending = "Pending"
    case running = "Running"
    case succeeded = "Succeeded"
    case failed = "Failed"
}

/// A condition shaped like `metav1.Condition`.
public struct FlowTestCondition: Codable, Sendable, Equatable {
    /// `Succeeded` is the one to wait for: `kubectl wait --for=condition=Succeeded flowtest/NAME`.
    public enum Kind {
        public static let accepted = "Accepted"
        public static let echoReady = "EchoReady"
        public static let running = "Running"
        public static let succeeded = "Succeeded"
        public static let failed = "Failed"
    }

    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    public var reason: String
    public var message: String
    public var lastTransitionTime: String
    public var observedGeneration: Int64?

    public init(type: String, status: String, reason: String, message: String, lastTransitionTime: String, observedGeneration: Int64? = nil) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
        self.observedGeneration = observedGeneration
    }
}

/// The whole test's figures, merged from every agent's report.
public struct FlowTestSummary: Codable, Sendable, Equatable {
    public var flowsStarted: Int64 = 0
    public var flowsCompleted: Int64 = 0
    public var flowsFailed: Int64 = 0
    public var failures: [String: Int64]?
    public var failedFlowsPercent: Double = 0
    public var bytesSent: Int64 = 0
    public var bytesReceived: Int64 = 0
    public var rttP50Milliseconds: Double?
    public var rttP99Milliseconds: Double?
    public var udpLossPercent: Double?
    public var throughputBitsPerSecond: Double?

    public init() {}
}
