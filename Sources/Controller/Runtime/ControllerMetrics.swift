import FlowTestShared
import Prometheus

/// The controller's own Prometheus metrics.
final class ControllerMetrics: Sendable {
    private let reconcileSuccess: Counter
    private let reconcileError: Counter
    private let duration: DurationHistogram
    let queueDepth: Gauge
    private let watchResumed: Counter
    private let watchRelisted: Counter
    let leader: Gauge
    private let finishedSucceeded: Counter
    private let finishedFailed: Counter

    init(registry: PrometheusCollectorRegistry) {
        let reconciles = MetricNameDescriptor.flowTest("flowtest_controller_reconciles_total", help: "Reconciles of FlowTests, by result.")
        reconcileSuccess = registry.makeCounter(descriptor: reconciles, labels: [("result", "success")])
        reconcileError = registry.makeCounter(descriptor: reconciles, labels: [("result", "error")])
        duration = registry.makeDurationHistogram(
            descriptor: .flowTest("flowtest_controller_reconcile_duration_seconds", help: "Time one reconcile took."), labels: [],
            buckets: [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)])
        queueDepth = registry.makeGauge(descriptor: .flowTest("flowtest_controller_queue_depth", help: "FlowTest keys waiting for a worker."), labels: [])
        let restarts = MetricNameDescriptor.flowTest("flowtest_controller_watch_restarts_total", help: "Watch restarts: resumed from a resourceVersion, or relisted (first list, 410, errors).")
        watchResumed = registry.makeCounter(descriptor: restarts, labels: [("kind", "resumed")])
        watchRelisted = registry.makeCounter(descriptor: restarts, labels: [("kind", "relisted")])
        // Both exist from the start at 0: Prometheus cannot see the first increase of a series
        // that appears at 1, and the alert on failed tests is an increase().
        let finished = MetricNameDescriptor.flowTest("flowtest_controller_flowtests_finished_total", help: "FlowTests that reached Succeeded or Failed, by phase.")
        finishedSucceeded = registry.makeCounter(descriptor: finished, labels: [("phase", FlowTestPhase.succeeded.rawValue)])
        finishedFailed = registry.makeCounter(descriptor: finished, labels: [("phase", FlowTestPhase.failed.rawValue)])
        leader = registry.makeGauge(descriptor: .flowTest("flowtest_controller_leader", help: "1 while this replica holds the leader lease."), labels: [])
    }

    func reconciled(success: Bool, after elapsed: Duration) {
        (success ? reconcileSuccess : reconcileError).increment()
        duration.record(elapsed)
    }

    /// Counts a FlowTest that has just reached a final phase; an alert fires on the Failed ones.
    func finished(phase: FlowTestPhase) {
        switch phase {
        case .succeeded: finishedSucceeded.increment()
        case .failed: finishedFailed.increment()
        default: break
        }
    }

    func watchRestarted(relisted: Bool) {
        (relisted ? watchRelisted : watchResumed).increment()
    }
}
