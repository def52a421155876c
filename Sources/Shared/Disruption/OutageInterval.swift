/// A time during which flows went unanswered: one flow's outage, or several flows' outages that
/// overlapped, joined into one interval (`outages` says how many).
///
/// Times are nanoseconds since the Unix epoch, taken from the generator's monotonic clock and
/// anchored to the wall clock once per run, so durations are exact and never jump with NTP;
/// the status shows them as RFC 3339 with microseconds.
public struct OutageInterval: Sendable, Equatable {
    /// The send time of the first exchange that went unanswered, or when the connection broke.
    public var start: Int64
    /// The send time of the next exchange that was answered (or the report time, while ongoing).
    public var end: Int64
    /// Flow outages in this interval; 1 for a single flow's outage.
    public var outages: Int64 = 1
    /// The longest single-flow outage within the interval, in nanoseconds.
    public var longestOutage: Int64
    /// What started each flow outage: timeout, refused, reset, closed, unreachable, ...
    public var causes: [FlowFailureReason: Int64]
    /// Destinations (address:port as dialled) of the flows hit, at most `peerLimit` of them.
    public var peers: [String]
    /// TCP connections re-established to end these outages.
    public var reconnects: Int64 = 0
    /// Connection attempts those reconnects took, the successful ones included.
    public var connectAttempts: Int64 = 0
    /// The longest time from a break to the connection that replaced it, in nanoseconds.
    public var longestReconnect: Int64?
    /// Still open when reported: `end` is the report time, not the end of the outage.
    public var ongoing = false

    /// Enough to tell which backend an outage hit, without letting a Service with many
    /// endpoints grow the status.
    public static let peerLimit = 8

    public init(start: Int64, end: Int64, cause: FlowFailureReason, peer: String?) {
        self.start = start
        self.end = max(start, end)
        self.longestOutage = self.end - start
        self.causes = [cause: 1]
        self.peers = peer.map { [$0] } ?? []
    }

    public var duration: Int64 { end - start }

    /// Whether the two share any instant; outages that only touch count as one disruption.
    public func overlaps(_ other: OutageInterval) -> Bool {
        start <= other.end && other.start <= end
    }

    /// Takes `other` into this interval: the union of the times, the sum of the counts.
    public mutating func absorb(_ other: OutageInterval) {
        start = min(start, other.start)
        end = max(end, other.end)
        outages += other.outages
        longestOutage = max(longestOutage, other.longestOutage)
        causes.merge(other.causes, uniquingKeysWith: +)
        for peer in other.peers where peers.count < Self.peerLimit && !peers.contains(peer) { peers.append(peer) }
        reconnects += other.reconnects
        connectAttempts += other.connectAttempts
        if let reconnect = other.longestReconnect { longestReconnect = max(longestReconnect ?? 0, reconnect) }
        ongoing = ongoing || other.ongoing
    }

    /// The union of `intervals`: overlapping ones joined, the result ordered by start.
    public static func union(_ intervals: [OutageInterval]) -> [OutageInterval] {
        var merged: [OutageInterval] = []
        for interval in intervals.sorted(by: { $0.start < $1.start }) {
            if let last = merged.indices.last, merged[last].overlaps(interval) {
                merged[last].absorb(interval)
            } else {
                merged.append(interval)
            }
        }
        return merged
    }
}
