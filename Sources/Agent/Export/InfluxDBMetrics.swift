import FlowTestShared
import Prometheus

/// The export's own Prometheus metrics: what reached the server, and what did not.
final class InfluxDBMetrics: Sendable {
    private let written, dropped, rejected, failedWrites: PublishedCounter
    private let pending: Gauge

    init(registry: PrometheusCollectorRegistry) {
        func counter(_ name: String, _ help: String) -> PublishedCounter {
            PublishedCounter(registry.makeCounter(descriptor: .flowTest(name, help: help)))
        }
        written = counter("flowtest_influxdb_points_written_total", "Points the InfluxDB server accepted.")
        dropped = counter("flowtest_influxdb_points_dropped_total", "Points dropped, oldest first, because the buffer was full while the server was away.")
        rejected = counter("flowtest_influxdb_points_rejected_total", "Points the server refused (400, 401, 403, 404, 413); the log says why.")
        failedWrites = counter("flowtest_influxdb_write_failures_total", "Writes that failed with a connection error or 5xx and were retried.")
        pending = registry.makeGauge(descriptor: .flowTest("flowtest_influxdb_points_pending", help: "Points waiting to be written."))
    }

    func publish(_ counts: InfluxDBWriter.Counts) {
        written.publish(counts.written)
        dropped.publish(counts.dropped)
        rejected.publish(counts.rejected)
        failedWrites.publish(counts.failedWrites)
        pending.set(Double(counts.pending))
    }
}
