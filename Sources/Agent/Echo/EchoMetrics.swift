import FlowTestShared
import Prometheus

/// The echo server's Prometheus metrics, one series per listener (protocol and port).
final class EchoMetrics: Sendable {
    private struct ListenerSeries: Sendable {
        let listener: EchoListenerCounters
        let accepted, refused, timedOut, bytesReceived, bytesSent, datagramsReceived, datagramsSent: PublishedCounter
        let active: Gauge
    }

    private let series: [ListenerSeries]

    init(registry: PrometheusCollectorRegistry, listeners: [EchoListenerCounters]) {
        series = listeners.map { listener in
            let labels = [("role", "echo"), ("protocol", listener.transport.rawValue), ("port", String(listener.port))]
            func counter(_ name: String, _ help: String) -> PublishedCounter {
                PublishedCounter(registry.makeCounter(name: name, labels: labels, help: help))
            }
            return ListenerSeries(
                listener: listener,
                accepted: counter("flowtest_echo_connections_accepted_total", "TCP connections accepted."),
                refused: counter("flowtest_echo_connections_refused_total", "TCP connections closed at once: connection cap reached."),
                timedOut: counter("flowtest_echo_connections_timed_out_total", "TCP connections closed for being idle."),
                bytesReceived: counter("flowtest_echo_bytes_received_total", "Bytes received from clients."),
                bytesSent: counter("flowtest_echo_bytes_sent_total", "Bytes echoed back."),
                datagramsReceived: counter("flowtest_echo_datagrams_received_total", "UDP datagrams received."),
                datagramsSent: counter("flowtest_echo_datagrams_sent_total", "UDP datagrams echoed back."),
                active: registry.makeGauge(name: "flowtest_echo_connections_active", labels: labels, help: "TCP connections open now."))
        }
    }

    /// Brings every series up to date with the listeners' counters.
    func publish() {
        for metrics in series {
            let now = metrics.listener.read()
            metrics.accepted.publish(now.connectionsAccepted)
            metrics.refused.publish(now.connectionsRefused)
            metrics.timedOut.publish(now.connectionsTimedOut)
            metrics.bytesReceived.publish(now.bytesReceived)
            metrics.bytesSent.publish(now.bytesSent)
            metrics.datagramsReceived.publish(now.datagramsReceived)
            metrics.datagramsSent.publish(now.datagramsSent)
            metrics.active.set(Double(now.connectionsActive))
        }
    }
}
