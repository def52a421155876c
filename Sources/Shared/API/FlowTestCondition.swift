/// A condition shaped like `metav1.Condition`.
public struct FlowTestCondition: Codable, Sendable, Equatable {
    /// `Succeeded` is the one to wait for: `kubectl wait --for=condition=Succeeded flowtest/NAME`.
    public enum Kind {
        public static let accepted = "Accepted"
        public static let echoReady = "EchoReady"
        public static let running = "Running"
        /// True once every agent's final report is in; False with the agents that never reported.
        public static let reportsComplete = "ReportsComplete"
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
