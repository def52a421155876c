/// One traffic pattern's figures in a generator's report: its flows' counters and round trips.
public struct PatternFigures: Codable, Sendable, Equatable {
    /// Flows started, completed and failed (by reason), bytes and messages, of this pattern only.
    public var flows: TrafficCounters
    /// Round trips, in coarser buckets than the report's overall histogram (`bucketWidth`, about
    /// 17 % wide, so within 8 %): eight patterns per generator must still fit a shared status.
    public var rtt: LatencyHistogram

    /// The width of the patterns' round-trip buckets, in the overall histogram's 2 % steps.
    public static let bucketWidth = 8

    public init(flows: TrafficCounters = TrafficCounters(), rtt: LatencyHistogram = LatencyHistogram()) {
        self.flows = flows
        self.rtt = rtt
    }

    /// Adds another report's figures of the same pattern.
    public static func += (lhs: inout PatternFigures, rhs: PatternFigures) {
        lhs.flows += rhs.flows
        lhs.rtt.merge(rhs.rtt)
    }
}
