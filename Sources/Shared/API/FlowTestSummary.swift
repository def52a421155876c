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
