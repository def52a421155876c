/// Cumulative counters of one agent's traffic, for one transport or summed over both.
///
/// Counters are absolute, never deltas (DESIGN.md, decision 3): a report that is retried or
/// duplicated can never count twice, and two reports are merged with `+=`.
public struct TrafficCounters: Codable, Sendable, Equatable {
    public var flowsStarted: UInt64 = 0
    public var flowsCompleted: UInt64 = 0
    public var flowsFailed: UInt64 = 0
    /// Failed flows by reason; only reasons that occurred are present.
    public var failures: [String: UInt64] = [:]
    public var bytesSent: UInt64 = 0
    public var bytesReceived: UInt64 = 0
    public var messagesSent: UInt64 = 0
    public var messagesReceived: UInt64 = 0
    /// Segments the kernel retransmitted (TCP_INFO `tcpi_total_retrans`), summed over closed flows.
    public var tcpRetransmits: UInt64 = 0
    /// UDP datagrams never echoed back (sent − distinct received, counted when a flow ends).
    public var udpLost: UInt64 = 0
    /// UDP echoes that arrived more than once.
    public var udpDuplicates: UInt64 = 0
    /// UDP echoes that arrived after an echo of a later datagram.
    public var udpReordered: UInt64 = 0
    /// Sum over finished UDP flows of their RFC 3550 interarrival jitter, in seconds.
    public var udpJitterSecondsSum: Double = 0
    /// Number of UDP flows in `udpJitterSecondsSum`.
    public var udpJitterFlows: UInt64 = 0

    public init() {}

    /// Counts one failed flow.
    public mutating func recordFailure(_ reason: FlowFailureReason) {
        flowsFailed += 1
        failures[reason.rawValue, default: 0] += 1
    }

    /// Fraction of datagrams lost, 0 when none were sent; meaningful on UDP counters only.
    public var udpLossRatio: Double {
        messagesSent == 0 ? 0 : Double(udpLost) / Double(messagesSent)
    }

    /// Mean RFC 3550 jitter over UDP flows, in seconds.
    public var udpMeanJitterSeconds: Double {
        udpJitterFlows == 0 ? 0 : udpJitterSecondsSum / Double(udpJitterFlows)
    }

    /// Adds another agent's or transport's counters to these.
    public static func += (lhs: inout TrafficCounters, rhs: TrafficCounters) {
        lhs.flowsStarted += rhs.flowsStarted
        lhs.flowsCompleted += rhs.flowsCompleted
        lhs.flowsFailed += rhs.flowsFailed
        lhs.failures.merge(rhs.failures, uniquingKeysWith: +)
        lhs.bytesSent += rhs.bytesSent
        lhs.bytesReceived += rhs.bytesReceived
        lhs.messagesSent += rhs.messagesSent
        lhs.messagesReceived += rhs.messagesReceived
        lhs.tcpRetransmits += rhs.tcpRetransmits
        lhs.udpLost += rhs.udpLost
        lhs.udpDuplicates += rhs.udpDuplicates
        lhs.udpReordered += rhs.udpReordered
        lhs.udpJitterSecondsSum += rhs.udpJitterSecondsSum
        lhs.udpJitterFlows += rhs.udpJitterFlows
    }
}
