import FlowTestShared
import Logging
import ServiceLifecycle

/// The controller loop, in the order sample-controller reads: watch FlowTests and their pods,
/// queue the keys of whatever changed, and let workers reconcile one key at a time.
final class ControllerService: Sendable {
    let client: KubernetesClient
    let reconciler: FlowTestReconciler
    let queue = WorkQueue()
    /// Nil: every namespace.
    let namespaces: [String]?
    let workers: Int
    let metrics: ControllerMetrics
    let logger: Logger

    init(client: KubernetesClient, reconciler: FlowTestReconciler, namespaces: [String]?, workers: Int, metrics: ControllerMetrics, logger: Logger) {
        self.client = client
        self.reconciler = reconciler
        self.namespaces = namespaces
        self.workers = workers
        self.metrics = metrics
        self.logger = logger
    }

    /// Runs until cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            for namespace in namespaces.map({ $0.map(Optional.some) }) ?? [nil] {
                // FlowTests: every change queues the test itself. Watched as plain JSON: one object
                // that does not decode (stored under an older CRD) must not stall all the others;
                // the reconciler reports it on that object instead.
                group.addTask { [self] in
                    var watcher = ResourceWatcher<JSONValue>(client: client, kind: .flowTests, namespace: namespace)
                    watcher.onRestart = { [metrics] relisted in metrics.watchRestarted(relisted: relisted) }
                    await watcher.run { [queue] update in
                        switch update {
                        case .listed(let all): for flowTest in all { if let key = Self.key(flowTest) { await queue.add(key) } }
                        case .added(let flowTest), .modified(let flowTest), .deleted(let flowTest):
                            if let key = Self.key(flowTest) { await queue.add(key) }
                        }
                    }
                }
                // Agent pods: kept in the cache the reconciler reads; a change (ready, ended, gone)
                // queues the FlowTest that owns the pod.
                group.addTask { [self] in
                    var watcher = ResourceWatcher<JSONValue>(
                        client: client, kind: .pods, namespace: namespace, labelSelector: "app.kubernetes.io/managed-by=\(ChildNames.managedBy)")
                    watcher.onRestart = { [metrics] relisted in metrics.watchRestarted(relisted: relisted) }
                    await watcher.run { [queue, cache = reconciler.pods] update in
                        switch update {
                        case .listed(let pods):
                            cache.replace(namespace: namespace, with: pods)
                            for pod in pods { if let key = Self.ownerKey(pod) { await queue.add(key) } }
                        case .added(let pod), .modified(let pod):
                            cache.apply(pod, deleted: false)
                            if let key = Self.ownerKey(pod) { await queue.add(key) }
                        case .deleted(let pod):
                            cache.apply(pod, deleted: true)
                            if let key = Self.ownerKey(pod) { await queue.add(key) }
                        }
                    }
                }
                // Agents' reports: decoded once into the cache; the test is looked at when its
                // summary may next be written (coalesced: a report alone never changes a phase).
                group.addTask { [self] in
                    var watcher = ResourceWatcher<JSONValue>(
                        client: client, kind: .flowTestReports, namespace: namespace, labelSelector: FlowTestReport.nameLabel)
                    watcher.onRestart = { [metrics] relisted in metrics.watchRestarted(relisted: relisted) }
                    await watcher.run { [queue, reports = reconciler.reports, limiter = reconciler.writeLimiter] update in
                        switch update {
                        case .listed(let all): for key in reports.replace(namespace: namespace, with: all) { await queue.add(key) }
                        case .added(let report), .modified(let report):
                            if let key = reports.apply(report, deleted: false) { await queue.addAfter(key, limiter.wait(for: key) ?? .zero) }
                        case .deleted(let report): if let key = reports.apply(report, deleted: true) { await queue.add(key) }
                        }
                    }
                }
            }
            group.addTask { [queue] in await queue.runDelays() }
            group.addTask { [self] in
                // Until cancelled: then stop handing out keys, so idle workers return.
                while !Task.isCancelled {
                    metrics.queueDepth.set(Double(await queue.depth))
                    try? await Task.sleep(for: .seconds(1))
                }
                await queue.shutDown()
            }
            for _ in 0..<max(1, workers) {
                group.addTask { [self] in await work() }
            }
        }
    }

    /// One worker: reconcile keys until the queue shuts down.
    private func work() async {
        while let key = await queue.next() {
            let started = ContinuousClock.now
            let (namespace, name) = Self.split(key)
            do {
                switch try await reconciler.reconcile(namespace: namespace, name: name) {
                case .done:
                    await queue.forget(key)
                case .requeue(let after):
                    await queue.forget(key)
                    await queue.addAfter(key, after)
                }
                metrics.reconciled(success: true, after: .now - started)
            } catch {
                // Conflicts, throttling, a flaky API server: try again later, backing off per key.
                logger.warning("reconcile failed; will retry", metadata: ["flowtest": "\(key)", "error": "\(error)"])
                metrics.reconciled(success: false, after: .now - started)
                await queue.addRateLimited(key)
            }
            await queue.done(key)
        }
    }

    static func key(_ object: JSONValue) -> String? {
        guard let name = object["metadata"]?["name"]?.string else { return nil }
        return "\(object["metadata"]?["namespace"]?.string ?? "default")/\(name)"
    }

    static func ownerKey(_ pod: JSONValue) -> String? {
        guard let name = pod["metadata"]?["labels"]?["flowtest.dev/name"]?.string, let namespace = pod["metadata"]?["namespace"]?.string else { return nil }
        return "\(namespace)/\(name)"
    }

    static func split(_ key: String) -> (namespace: String, name: String) {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        return parts.count == 2 ? (parts[0], parts[1]) : ("default", key)
    }
}
