import FlowTestShared
import Prometheus

/// The generator's Prometheus metrics, created once and fed from statistics snapshots.
///
/// Names carry their unit and `_total` for counters; labels are only role, protocol and reason.
/// Nothing here is touched on the packet path: the round-trip histograms are counted in each
/// loop's statistics shard (`PrometheusRoundTrips`) and rendered from the snapshot at each scrape.
final class GeneratorMetrics: Sendable {
    private struct TransportSeries: Sendable {
        let started, completed, bytesSent, bytesReceived, messagesSent, messagesReceived: PublishedCounter
        let retransmits, udpLost, udpDuplicates, udpReordered: PublishedCounter
        let failures: [FlowFailureReason: PublishedCounter]
        let active: Gauge
        let jitter: Gauge
    }

    private static let roundTrips = RoundTripHistogramFamily(name: "flowtest_rtt_seconds", help: "Round-trip time of each echoed message.")
    private static let patternRoundTrips = RoundTripHistogramFamily(
        name: "flowtest_pattern_rtt_seconds", help: "Round-trip time of each exchange, by traffic pattern.")

    /// Outages last from a few milliseconds (a lost datagram) to minutes (a node drain).
    static let outageBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
    ]

    private let series: PerTransport<TransportSeries>
    private let skipped: PublishedCounter
    private let outageDuration: DurationHistogram
    private let activeOutages: Gauge
    private let connectionsLost, reconnects, messagesLost: PublishedCounter
    /// The two disruption timelines apart: established flows and new connections.
    private let timelines: DisruptionMetrics
    /// With a traffic mix: each pattern's series, by pattern slot.
    private let patterns: [PatternMetrics]
    private let patternNames: [String]
    private let labelsRefused, firefliesSent: PublishedCounter

    init(registry: PrometheusCollectorRegistry, patternNames: [String] = []) {
        self.patternNames = patternNames
        patterns = patternNames.map { PatternMetrics(registry: registry, pattern: $0) }
        func make(_ transport: Transport) -> TransportSeries {
            let labels = [("role", "generator"), ("protocol", transport.rawValue)]
            func counter(_ name: String, _ help: String) -> PublishedCounter {
                PublishedCounter(registry.makeCounter(descriptor: .flowTest(name, help: help), labels: labels))
            }
            return TransportSeries(
                started: counter("flowtest_flows_started_total", "Flows started."),
                completed: counter("flowtest_flows_completed_total", "Flows that ran their whole lifetime."),
                bytesSent: counter("flowtest_bytes_sent_total", "Payload bytes sent."),
                bytesReceived: counter("flowtest_bytes_received_total", "Payload bytes received."),
                messagesSent: counter("flowtest_messages_sent_total", "Messages (TCP) or datagrams (UDP) sent."),
                messagesReceived: counter("flowtest_messages_received_total", "Echoes received."),
                retransmits: counter("flowtest_tcp_retransmits_total", "TCP segments retransmitted (TCP_INFO)."),
                udpLost: counter("flowtest_udp_lost_datagrams_total", "UDP datagrams never echoed back."),
                udpDuplicates: counter("flowtest_udp_duplicate_datagrams_total", "UDP echoes received twice."),
                udpReordered: counter("flowtest_udp_reordered_datagrams_total", "UDP echoes received out of order."),
                failures: Dictionary(
                    uniqueKeysWithValues: FlowFailureReason.allCases.map { reason in
                        (
                            reason,
                            PublishedCounter(
                                registry.makeCounter(descriptor: .flowTest("flowtest_flows_failed_total", help: "Flows that failed, by reason."), labels: labels + [("reason", reason.rawValue)]))
                        )
                    }),
                active: registry.makeGauge(descriptor: .flowTest("flowtest_active_flows", help: "Flows open now."), labels: labels),
                jitter: registry.makeGauge(descriptor: .flowTest("flowtest_udp_jitter_seconds", help: "Mean RFC 3550 jitter of finished UDP flows."), labels: labels))
        }
        series = PerTransport(tcp: make(.tcp), udp: make(.udp))
        skipped = PublishedCounter(
            registry.makeCounter(
                descriptor: .flowTest(
                    "flowtest_flows_skipped_total", help: "Arrivals not started because max concurrent flows were open (connecting ones included)."),
                labels: [("role", "generator")]))
        let generator = [("role", "generator")]
        outageDuration = registry.makeDurationHistogram(
            descriptor: .flowTest("flowtest_outage_duration_seconds", help: "Continuous pattern: duration of each flow outage, from the first unanswered exchange to the next answered one."),
            labels: generator, buckets: Self.outageBuckets)
        activeOutages = registry.makeGauge(descriptor: .flowTest("flowtest_active_outages", help: "Continuous pattern: flows in an outage now."), labels: generator)
        connectionsLost = PublishedCounter(registry.makeCounter(
            descriptor: .flowTest("flowtest_connections_lost_total", help: "Continuous pattern: TCP connections that broke or stalled."), labels: generator))
        reconnects = PublishedCounter(registry.makeCounter(
            descriptor: .flowTest("flowtest_reconnects_total", help: "Continuous pattern: TCP connections re-established after a break."), labels: generator))
        messagesLost = PublishedCounter(registry.makeCounter(
            descriptor: .flowTest("flowtest_outage_messages_lost_total", help: "Continuous pattern: exchanges not answered within the response timeout."), labels: generator))
        timelines = DisruptionMetrics(registry: registry, buckets: Self.outageBuckets)
        labelsRefused = PublishedCounter(registry.makeCounter(
            descriptor: .flowTest("flowtest_flow_labels_refused_total", help: "SciTag marking: flows whose IPv6 flow label the kernel refused (they ran unlabelled)."), labels: generator))
        firefliesSent = PublishedCounter(registry.makeCounter(
            descriptor: .flowTest("flowtest_fireflies_sent_total", help: "SciTags fireflies sent at flow starts and ends."), labels: generator))
    }

    /// Records one ended flow outage; called on the loop, once per outage (never per packet).
    func recordOutage(nanoseconds: Int64) {
        outageDuration.record(.nanoseconds(nanoseconds))
    }

    /// Records one ended outage of new connections to one destination; called once per outage.
    func recordNewConnectionOutage(nanoseconds: Int64) {
        timelines.recordNewConnectionOutage(nanoseconds: nanoseconds)
    }

    /// Brings every counter and gauge up to date with `snapshot`, and returns the round-trip
    /// histograms rendered from it, for the scrape to append to the registry's output.
    @discardableResult
    func publish(_ snapshot: GeneratorSnapshot) -> [UInt8] {
        for transport in Transport.allCases {
            let metrics = series[transport]
            let counters = snapshot.counters[transport]
            metrics.started.publish(counters.flowsStarted)
            metrics.completed.publish(counters.flowsCompleted)
            metrics.bytesSent.publish(counters.bytesSent)
            metrics.bytesReceived.publish(counters.bytesReceived)
            metrics.messagesSent.publish(counters.messagesSent)
            metrics.messagesReceived.publish(counters.messagesReceived)
            metrics.retransmits.publish(counters.tcpRetransmits)
            metrics.udpLost.publish(counters.udpLost)
            metrics.udpDuplicates.publish(counters.udpDuplicates)
            metrics.udpReordered.publish(counters.udpReordered)
            for (reason, counter) in metrics.failures {
                counter.publish(counters.failures[reason.rawValue, default: 0])
            }
            metrics.active.set(Double(snapshot.activeFlows[transport]))
            metrics.jitter.set(counters.udpMeanJitterSeconds)
        }
        skipped.publish(snapshot.flowsSkipped)
        for (slot, name) in patternNames.enumerated() { patterns[slot].publish(snapshot.patterns[name] ?? PatternTally()) }
        if let marking = snapshot.marking {
            labelsRefused.publish(marking.flowLabelsRefused)
            firefliesSent.publish(marking.firefliesSent)
        }
        if let disruption = snapshot.disruption {
            activeOutages.set(Double(disruption.activeOutages))
            connectionsLost.publish(UInt64(disruption.connectionsLost))
            reconnects.publish(UInt64(disruption.connectionsReestablished))
            messagesLost.publish(UInt64(disruption.messagesLost))
            timelines.publish(disruption)
        }
        var exposition: [UInt8] = []
        Self.roundTrips.emit(
            Transport.allCases.map { ([("role", "generator"), ("protocol", $0.rawValue)], snapshot.prometheusRoundTrips[$0]) }, into: &exposition)
        Self.patternRoundTrips.emit(
            patternNames.map { ([("role", "generator"), ("pattern", $0)], snapshot.patterns[$0]?.prometheusRoundTrips ?? PrometheusRoundTrips()) },
            into: &exposition)
        return exposition
    }
}
