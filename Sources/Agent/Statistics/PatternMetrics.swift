import FlowTestShared
import Prometheus

/// One traffic pattern's Prometheus counters of flows by outcome, labelled with the pattern's
/// name (its round trips are rendered with the generator's, `GeneratorMetrics`). A mix has at
/// most eight entries, so the label's cardinality stays bounded.
struct PatternMetrics: Sendable {
    let started, completed, failed: PublishedCounter

    init(registry: PrometheusCollectorRegistry, pattern: String) {
        let labels = [("role", "generator"), ("pattern", pattern)]
        func counter(_ name: String, _ help: String) -> PublishedCounter {
            PublishedCounter(registry.makeCounter(descriptor: .flowTest(name, help: help), labels: labels))
        }
        started = counter("flowtest_pattern_flows_started_total", "Flows started, by traffic pattern.")
        completed = counter("flowtest_pattern_flows_completed_total", "Flows that ended well, by traffic pattern.")
        failed = counter("flowtest_pattern_flows_failed_total", "Flows that failed, by traffic pattern.")
    }

    /// Brings the counters up to date with the pattern's figures.
    func publish(_ tally: PatternTally) {
        started.publish(tally.counters.flowsStarted)
        completed.publish(tally.counters.flowsCompleted)
        failed.publish(tally.counters.flowsFailed)
    }
}
