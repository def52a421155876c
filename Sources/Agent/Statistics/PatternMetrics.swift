import FlowTestShared
import Prometheus

/// One traffic pattern's Prometheus series: flows by outcome and round trips, labelled with the
/// pattern's name. A mix has at most eight entries, so the label's cardinality stays bounded.
struct PatternMetrics: Sendable {
    let started, completed, failed: PublishedCounter
    let roundTrip: DurationHistogram

    init(registry: PrometheusCollectorRegistry, pattern: String) {
        let labels = [("role", "generator"), ("pattern", pattern)]
        func counter(_ name: String, _ help: String) -> PublishedCounter {
            PublishedCounter(registry.makeCounter(descriptor: .flowTest(name, help: help), labels: labels))
        }
        started = counter("flowtest_pattern_flows_started_total", "Flows started, by traffic pattern.")
        completed = counter("flowtest_pattern_flows_completed_total", "Flows that ended well, by traffic pattern.")
        failed = counter("flowtest_pattern_flows_failed_total", "Flows that failed, by traffic pattern.")
        roundTrip = registry.makeDurationHistogram(
            descriptor: .flowTest("flowtest_pattern_rtt_seconds", help: "Round-trip time of each exchange, by traffic pattern."), labels: labels,
            buckets: GeneratorMetrics.roundTripBuckets)
    }

    /// Brings the counters up to date with the pattern's figures.
    func publish(_ tally: PatternTally) {
        started.publish(tally.counters.flowsStarted)
        completed.publish(tally.counters.flowsCompleted)
        failed.publish(tally.counters.flowsFailed)
    }
}
