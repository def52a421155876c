import FlowTestShared
import Histogram

/// One traffic pattern's figures on one event loop (or merged over several).
struct PatternTally: Sendable {
    var counters = TrafficCounters()
    var roundTrips = Histogram<UInt64>.roundTripNanoseconds()
    /// The same round trips counted as `flowtest_pattern_rtt_seconds` exposes them.
    var prometheusRoundTrips = PrometheusRoundTrips()

    /// Adds another loop's figures of the same pattern.
    static func += (lhs: inout PatternTally, rhs: PatternTally) {
        lhs.counters += rhs.counters
        lhs.roundTrips.add(rhs.roundTrips)
        lhs.prometheusRoundTrips += rhs.prometheusRoundTrips
    }

    /// The figures as a report carries them.
    var figures: PatternFigures {
        PatternFigures(flows: counters, rtt: LatencyHistogram(roundTrips).coarsened(toWidth: PatternFigures.bucketWidth))
    }
}
