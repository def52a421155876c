import FlowTestShared
import Prometheus

/// The echo server's Prometheus metrics, one series per listener (protocol and port).
///
/// Connection metrics exist only for TCP listeners and datagram metrics only for UDP ones, so a
/// dashboard never shows a series that is zero by construction.
final class EchoMetrics: Sendable {
    private struct ListenerSeries: Sendable {
        let listener: EchoListenerCounters
        let bytesReceived, bytesSent: PublishedCounter
        /// Traffic patterns' sized requests: answered, and refused for their bytes.
        let sizedResponses, malformedRequests: PublishedCounter
        // TCP only.
        let accepted, refused, timedOut: PublishedCounter?
        let active: Gauge?
        // UDP only.
        let datagramsReceived, datagramsSent: PublishedCounter?
        /// Listeners that judge marks: arrivals by outcome (datagrams for UDP, connections for TCP).
        let marked, remarked, unmarked: PublishedCounter?
    }

    private let series: [ListenerSeries]
    private let fireflies: (counter: FireflyCounter, metric: PublishedCounter)?

    init(registry: PrometheusCollectorRegistry, listeners: [EchoListenerCounters], fireflies: FireflyCounter? = nil) {
        self.fireflies = fireflies.map { counter in
            (counter, PublishedCounter(registry.makeCounter(
                descriptor: .flowTest("flowtest_echo_fireflies_received_total", help: "SciTags fireflies received on the firefly port."),
                labels: [("role", "echo")])))
        }
        series = listeners.map { listener in
            let labels = [("role", "echo"), ("protocol", listener.transport.rawValue), ("port", String(listener.port))]
            let isTCP = listener.transport == .tcp
            func counter(_ name: String, _ help: String, when included: Bool = true) -> PublishedCounter? {
                included ? PublishedCounter(registry.makeCounter(descriptor: .flowTest(name, help: help), labels: labels)) : nil
            }
            func marks(_ result: String) -> PublishedCounter? {
                guard listener.judgesMarks else { return nil }
                return PublishedCounter(registry.makeCounter(
                    descriptor: .flowTest(
                        "flowtest_echo_marks_total",
                        help: "Arrivals judged against the expected DSCP and SciTag: UDP datagrams or TCP connections, by result (marked, remarked, unmarked)."),
                    labels: labels + [("result", result)]))
            }
            return ListenerSeries(
                listener: listener,
                bytesReceived: counter("flowtest_echo_bytes_received_total", "Bytes received from clients.")!,
                bytesSent: counter("flowtest_echo_bytes_sent_total", "Bytes echoed back.")!,
                sizedResponses: counter(
                    "flowtest_echo_sized_responses_total", "Traffic patterns' requests answered with the response size they asked for.")!,
                malformedRequests: counter(
                    "flowtest_echo_malformed_requests_total", "Sized requests refused: a broken header or an impossible size.")!,
                accepted: counter("flowtest_echo_connections_accepted_total", "TCP connections accepted.", when: isTCP),
                refused: counter(
                    "flowtest_echo_connections_refused_total", "TCP connections closed at once: connection cap reached.", when: isTCP),
                timedOut: counter("flowtest_echo_connections_timed_out_total", "TCP connections closed for being idle.", when: isTCP),
                active: isTCP
                    ? registry.makeGauge(descriptor: .flowTest("flowtest_echo_connections_active", help: "TCP connections open now."), labels: labels)
                    : nil,
                datagramsReceived: counter("flowtest_echo_datagrams_received_total", "UDP datagrams received.", when: !isTCP),
                datagramsSent: counter("flowtest_echo_datagrams_sent_total", "UDP datagrams echoed back.", when: !isTCP),
                marked: marks("marked"), remarked: marks("remarked"), unmarked: marks("unmarked"))
        }
    }

    /// Brings every series up to date with the listeners' counters.
    func publish() {
        for metrics in series {
            let now = metrics.listener.read()
            metrics.bytesReceived.publish(now.bytesReceived)
            metrics.bytesSent.publish(now.bytesSent)
            metrics.sizedResponses.publish(now.sizedResponses)
            metrics.malformedRequests.publish(now.malformedRequests)
            metrics.accepted?.publish(now.connectionsAccepted)
            metrics.refused?.publish(now.connectionsRefused)
            metrics.timedOut?.publish(now.connectionsTimedOut)
            metrics.active?.set(Double(now.connectionsActive))
            metrics.datagramsReceived?.publish(now.datagramsReceived)
            metrics.datagramsSent?.publish(now.datagramsSent)
            if let tally = now.marking {
                metrics.marked?.publish(tally.marked)
                metrics.remarked?.publish(tally.remarked)
                metrics.unmarked?.publish(tally.unmarked)
            }
        }
        if let fireflies { fireflies.metric.publish(fireflies.counter.received.load(ordering: .relaxed)) }
    }
}
