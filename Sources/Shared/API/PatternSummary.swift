/// One traffic pattern's figures over the whole test, merged from every generator's report.
public struct PatternSummary: Codable, Sendable, Equatable {
    public var flowsStarted: Int64
    public var flowsCompleted: Int64
    public var flowsFailed: Int64
    public var failures: [String: Int64]?
    public var bytesSent: Int64
    public var bytesReceived: Int64
    public var rttP50Milliseconds: Double?
    public var rttP99Milliseconds: Double?
    /// UDP echoes that never came back, and the mean RFC 3550 jitter of the pattern's UDP flows;
    /// both nil for a pattern without UDP flows that ended with echoes to measure.
    public var udpLost: Int64?
    public var udpJitterMilliseconds: Double?

    public init(_ figures: PatternFigures) {
        flowsStarted = Int64(clamping: figures.flows.flowsStarted)
        flowsCompleted = Int64(clamping: figures.flows.flowsCompleted)
        flowsFailed = Int64(clamping: figures.flows.flowsFailed)
        failures = figures.flows.failures.isEmpty ? nil : figures.flows.failures.mapValues { Int64(clamping: $0) }
        bytesSent = Int64(clamping: figures.flows.bytesSent)
        bytesReceived = Int64(clamping: figures.flows.bytesReceived)
        rttP50Milliseconds = figures.rtt.percentileMilliseconds(50)
        rttP99Milliseconds = figures.rtt.percentileMilliseconds(99)
        let udp = figures.flows.udpJitterFlows > 0 || figures.flows.udpLost > 0
        udpLost = udp ? Int64(clamping: figures.flows.udpLost) : nil
        udpJitterMilliseconds = figures.flows.udpJitterFlows > 0 ? figures.flows.udpMeanJitterSeconds * 1000 : nil
    }
}
