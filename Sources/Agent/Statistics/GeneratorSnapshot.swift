import FlowTestShared
import Histogram

/// The generator's statistics at one moment, merged over all event loops.
struct GeneratorSnapshot: Sendable {
    var counters = PerTransport(repeating: TrafficCounters())
    var roundTrips = PerTransport(repeating: Histogram<UInt64>.roundTripNanoseconds())
    var prometheusRoundTrips = PerTransport(repeating: PrometheusRoundTrips())
    var activeFlows = PerTransport(repeating: 0)
    var peakActiveFlows = 0
    /// Flows the random pattern did not start because `maxConcurrent` were already open.
    var flowsSkipped: UInt64 = 0
    /// Continuous pattern: the outages so far, joined into intervals.
    var disruption: DisruptionSummary?
    /// With a traffic mix: each pattern's figures, by name.
    var patterns: [String: PatternTally] = [:]
    /// Labels refused and fireflies sent, when the run marks its flows.
    var marking: MarkingCounts?

    /// Several generators' snapshots as one (local mode runs every replica in one process).
    /// The peak of open flows is left out: the replicas' peaks need not coincide.
    static func merging(_ snapshots: [GeneratorSnapshot]) -> GeneratorSnapshot {
        var merged = GeneratorSnapshot()
        for snapshot in snapshots {
            for transport in Transport.allCases {
                merged.counters[transport] += snapshot.counters[transport]
                merged.roundTrips[transport].add(snapshot.roundTrips[transport])
                merged.prometheusRoundTrips[transport] += snapshot.prometheusRoundTrips[transport]
                merged.activeFlows[transport] += snapshot.activeFlows[transport]
            }
            merged.flowsSkipped += snapshot.flowsSkipped
            for (name, tally) in snapshot.patterns { merged.patterns[name, default: PatternTally()] += tally }
            if let marking = snapshot.marking {
                var sum = merged.marking ?? MarkingCounts()
                sum += marking
                merged.marking = sum
            }
        }
        merged.disruption = DisruptionSummary.merging(
            snapshots.compactMap(\.disruption), limit: DisruptionSummary.agentIntervalLimit,
            newConnectionLimit: NewConnectionSummary.maximumAgentIntervalLimit)
        return merged
    }

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
