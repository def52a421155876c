/// What one generator did in one step of its time series: flows, bytes and UDP figures counted
/// in that step, the flows open at its end, and the round trips measured in it.
///
/// Counts are per step, so samples of different agents at the same step add up exactly; the
/// report they travel in is still absolute (the whole series is rewritten each time), so a
/// repeated report never counts twice (DESIGN.md, decision 3).
public struct TimeSeriesSample: Sendable, Equatable {
    public var flowsStarted: UInt64 = 0
    public var flowsCompleted: UInt64 = 0
    public var flowsFailed: UInt64 = 0
    /// Flows open at the last instant sampled in the step (a gauge: across agents it adds).
    public var activeFlows: UInt64 = 0
    /// Payload bytes sent and received.
    public var bytes: UInt64 = 0
    public var udpDatagramsSent: UInt64 = 0
    /// UDP datagrams found lost in the step (a flow counts its losses when it ends).
    public var udpLost: UInt64 = 0
    /// Sum of the RFC 3550 jitter of the UDP flows that ended in the step, in microseconds.
    public var udpJitterMicrosecondsSum: UInt64 = 0
    /// UDP flows in `udpJitterMicrosecondsSum`.
    public var udpJitterFlows: UInt64 = 0
    public var rtt = RoundTripBuckets()

    public init() {}

    /// Another agent's sample of the same step: everything adds, the open flows too.
    public static func += (lhs: inout TimeSeriesSample, rhs: TimeSeriesSample) {
        lhs.add(rhs)
        lhs.activeFlows += rhs.activeFlows
    }

    /// The same agent's next sample, joined into one longer step: counts add, and the open
    /// flows are those at the later sample.
    public mutating func append(_ later: TimeSeriesSample) {
        add(later)
        activeFlows = later.activeFlows
    }

    private mutating func add(_ other: TimeSeriesSample) {
        flowsStarted += other.flowsStarted
        flowsCompleted += other.flowsCompleted
        flowsFailed += other.flowsFailed
        bytes += other.bytes
        udpDatagramsSent += other.udpDatagramsSent
        udpLost += other.udpLost
        udpJitterMicrosecondsSum += other.udpJitterMicrosecondsSum
        udpJitterFlows += other.udpJitterFlows
        rtt += other.rtt
    }
}
