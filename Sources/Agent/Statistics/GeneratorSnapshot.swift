import FlowTestShared
import Histogram

/// The generator's statistics at one moment, merged over all event loops.
struct GeneratorSnapshot: Sendable {
    var counters = PerTransport(repeating: TrafficCounters())
    var roundTrips = PerTransport(repeating: Histogram<UInt64>.roundTripNanoseconds())
    var activeFlows = PerTransport(repeating: 0)
    var peakActiveFlows = 0
    /// Flows the random pattern did not start because `maxConcurrent` were already open.
    var flowsSkipped: UInt64 = 0

    /// TCP and UDP counters summed.
    var total: TrafficCounters {
        var sum = counters.tcp
        sum += counters.udp
        return sum
    }

    /// TCP and UDP round trips in one histogram.
    var allRoundTrips: Histogram<UInt64> {
        var merged = roundTrips.tcp
        merged.add(roundTrips.udp)
        return merged
    }
}
