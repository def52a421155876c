import FlowTestShared
import Prometheus

/// The continuous pattern's two timelines as Prometheus series, apart: the established flows'
/// and the new connections'. Disrupted time and resolution carry a `timeline` label
/// (`established` or `new_connections`, two values), so one panel can draw both; the probes'
/// own counts have names of their own.
struct DisruptionMetrics: Sendable {
    let disrupted: PerTimeline<Gauge>
    let resolution: PerTimeline<Gauge>
    let attempts: PublishedCounter
    let failures: [FlowFailureReason: PublishedCounter]
    let activeOutages: Gauge
    let outageDuration: DurationHistogram

    /// A pair of series, one per timeline.
    struct PerTimeline<Series: Sendable>: Sendable {
        let established: Series
        let newConnections: Series
    }

    init(registry: PrometheusCollectorRegistry, buckets: [Duration]) {
        let generator = [("role", "generator")]
        func perTimeline(_ name: String, _ help: String) -> PerTimeline<Gauge> {
            let make = { (timeline: String) in
                registry.makeGauge(descriptor: .flowTest(name, help: help), labels: generator + [("timeline", timeline)])
            }
            return PerTimeline(established: make("established"), newConnections: make("new_connections"))
        }
        disrupted = perTimeline(
            "flowtest_disrupted_seconds",
            "Continuous pattern: seconds during which at least one flow (established) or new connections to one destination (new_connections) failed.")
        resolution = perTimeline(
            "flowtest_disruption_resolution_seconds",
            "Continuous pattern: resolution of each timeline: the message interval (established), the time between two probes to one destination (new_connections).")
        attempts = PublishedCounter(registry.makeCounter(
            descriptor: .flowTest("flowtest_new_connections_attempted_total", help: "Continuous pattern: new short connections probed next to the long-lived flows."),
            labels: generator))
        failures = Dictionary(uniqueKeysWithValues: FlowFailureReason.allCases.map { reason in
            let counter = registry.makeCounter(
                descriptor: .flowTest("flowtest_new_connections_failed_total", help: "Continuous pattern: new-connection probes that failed, by reason."),
                labels: generator + [("reason", reason.rawValue)])
            return (reason, PublishedCounter(counter))
        })
        activeOutages = registry.makeGauge(
            descriptor: .flowTest("flowtest_new_connection_active_outages", help: "Continuous pattern: destinations refusing or dropping new connections now."),
            labels: generator)
        outageDuration = registry.makeDurationHistogram(
            descriptor: .flowTest(
                "flowtest_new_connection_outage_duration_seconds",
                help: "Continuous pattern: duration of each new-connection outage of one destination, from its first failed probe to its next successful one."),
            labels: generator, buckets: buckets)
    }

    /// Records one ended new-connection outage; once per outage.
    func recordNewConnectionOutage(nanoseconds: Int64) {
        outageDuration.record(.nanoseconds(nanoseconds))
    }

    /// Brings every series up to date with `disruption`.
    func publish(_ disruption: DisruptionSummary) {
        disrupted.established.set(disruption.disruptedSeconds)
        if let milliseconds = disruption.resolutionMilliseconds { resolution.established.set(milliseconds / 1000) }
        guard let newConnections = disruption.newConnections else { return }
        disrupted.newConnections.set(newConnections.disruptedSeconds)
        resolution.newConnections.set(newConnections.resolutionMilliseconds / 1000)
        attempts.publish(UInt64(newConnections.attempts))
        for (reason, counter) in failures { counter.publish(UInt64(newConnections.causes[reason.rawValue, default: 0])) }
        activeOutages.set(Double(newConnections.activeOutages))
    }
}
