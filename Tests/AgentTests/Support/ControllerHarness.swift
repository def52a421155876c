import FakeKubernetes
import FlowTestShared
import Foundation
import Logging
import Prometheus
import Synchronization
import Testing
@testable import FlowTestController

#if canImport(Glibc)
import Glibc
#endif

/// A controller reconciling against the fake API server, with a fake kubelet running pods.
struct ControllerHarness: Sendable {
    let server: FakeAPIServer
    let client: KubernetesClient
    /// The controller's metrics.
    let registry: PrometheusCollectorRegistry
    /// Restarts asked for by the test; the controller task starts a new controller on each.
    let restarts = RestartRequests()

    /// A counter the controller task watches.
    final class RestartRequests: Sendable {
        private let count = Mutex(0)
        func withLock<Result: Sendable>(_ body: (inout Int) -> Result) -> Result { count.withLock { body(&$0) } }
    }

    var store: FakeAPIStore { server.store }

    /// Runs `body` while the controller and the kubelet run; stops them afterwards.
    static func run(
        container makeContainer: (FakeAPIServer, KubernetesClient) throws -> FakeKubelet.Container, overrun: Duration = .seconds(120),
        namespaces: [String]? = nil, stuck: @escaping FakeKubelet.StuckStatus = { _ in nil }, _ body: @escaping @Sendable (ControllerHarness) async throws -> Void
    ) async throws {
        let server = try await FakeAPIServer.start()
        // The controller may grant in the agents' Role only what the chart grants the controller:
        // kube-apiserver refuses an RBAC escalation with 403, and now so does the fake.
        let chartRules = try ChartRBAC(define: "flowtest.controllerRules").rules
        server.store.grant(
            token: controllerToken, user: "system:serviceaccount:flowtest:flowtest-controller",
            rules: chartRules.map { FakePolicyRule(apiGroups: $0.apiGroups, resources: $0.resources, verbs: $0.verbs) })
        // Tokens of their own tell the controller's requests from the user's and the agents' in
        // the server's log: the controller's are checked against the chart's RBAC.
        let retry = KubernetesClient.RetryPolicy(attempts: 3, initialBackoff: .milliseconds(20))
        let client = KubernetesClient(configuration: server.configuration(token: .fixed(userToken)), retry: retry, requestTimeout: .seconds(7))
        let controllerClient = KubernetesClient(
            configuration: server.configuration(token: .fixed(controllerToken)), retry: retry, requestTimeout: ControllerSettings.requestTimeout)
        let logger = Logger(label: "test.controller")
        let registry = PrometheusCollectorRegistry()
        let metrics = ControllerMetrics(registry: registry)
        // A new controller process each time: nothing of the last one's memory (its report cache,
        // its write limiter) survives a restart.
        let makeController = { @Sendable in
            let reconciler = FlowTestReconciler(
                client: controllerClient, settings: AgentPodSettings(), events: EventRecorder(client: controllerClient, instance: "test", logger: logger),
                logger: logger, metrics: metrics, overrun: overrun, reports: ReportCache(namespaces: namespaces, logger: logger),
                pods: PodCache(namespaces: namespaces))
            return ControllerService(
                client: controllerClient, reconciler: reconciler, namespaces: namespaces, workers: 2, metrics: metrics, logger: logger)
        }
        let kubelet = FakeKubelet(store: server.store, container: try makeContainer(server, client), stuck: stuck)
        let harness = ControllerHarness(server: server, client: client, registry: registry)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [restarts = harness.restarts] in
                while !Task.isCancelled {
                    let seen = restarts.withLock { $0 }
                    await withTaskGroup(of: Void.self) { running in
                        running.addTask { await makeController().run() }
                        running.addTask {
                            while !Task.isCancelled, restarts.withLock({ $0 }) == seen { try? await Task.sleep(for: .milliseconds(20)) }
                        }
                        await running.next()
                        running.cancelAll()
                    }
                }
            }
            group.addTask { await kubelet.run() }
            do { try await body(harness) } catch {
                group.cancelAll()
                await server.stop()
                throw error
            }
            group.cancelAll()
        }
        await server.stop()
        // Whatever the test did, the controller asked only for what the Helm chart grants it.
        let denied = try ChartRBAC(define: "flowtest.controllerRules").forbidden(server.store.requests.filter { $0.authorization == "Bearer \(controllerToken)" })
        #expect(denied.isEmpty, "the chart's ClusterRole does not allow: \(denied.sorted())")
    }

    /// Stops the controller and starts a new one, as a restarted controller pod would.
    func restartController() {
        restarts.withLock { $0 += 1 }
    }

    /// Bearer tokens that tell the controller's requests from the test's own (the user's).
    static let controllerToken = "controller"
    static let userToken = "user"

    func create(_ yaml: String, namespace: String = "team") async throws -> FlowTest {
        let flowTest = try FlowTest.validated(try JSONValue(yaml: yaml)).get()
        return try await client.create(.flowTests, namespace: namespace, flowTest)
    }

    /// The FlowTest as stored, with its agents' FlowTestReports read into `status.agents` (the
    /// stored status holds none: it is what `kubectl get flowtest,flowtestreports` shows together).
    func flowTest(_ name: String, namespace: String = "team") async throws -> FlowTest {
        try await Self.flowTest(name, namespace: namespace, client: client)
    }

    /// The FlowTest `name` with its reports, read through `client`.
    static func flowTest(_ name: String, namespace: String = "team", client: KubernetesClient) async throws -> FlowTest {
        var flowTest: FlowTest = try await client.get(.flowTests, namespace: namespace, name: name)
        flowTest.status = flowTest.status ?? FlowTestStatus()
        flowTest.status?.agents = try await reports(of: name, namespace: namespace, client: client)
        return flowTest
    }

    /// The reports of a test's agents, by agent pod, as the API server holds them.
    static func reports(of name: String, namespace: String, client: KubernetesClient) async throws -> [String: AgentStatus] {
        let page: ListPage<FlowTestReport> = try await client.listAll(.flowTestReports, namespace: namespace, labelSelector: "\(FlowTestReport.nameLabel)=\(name)")
        return Dictionary(page.items.map { ($0.metadata.name ?? "", $0.report) }, uniquingKeysWith: { first, _ in first })
    }

    /// Polls until `condition` holds for the FlowTest, or fails the test after `timeout`.
    @discardableResult
    func waitFor(_ name: String, namespace: String = "team", timeout: Duration = .seconds(30), _ condition: (FlowTest) -> Bool) async throws -> FlowTest {
        let deadline = ContinuousClock.now + timeout
        var last: FlowTest?
        while ContinuousClock.now < deadline {
            if let current = try? await flowTest(name, namespace: namespace) {
                last = current
                if condition(current) { return current }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessTimeout(description: "FlowTest \(name) never reached the expected state; last status: \(String(describing: last?.status))")
    }

    func pods(_ flowTest: String, namespace: String = "team") -> [JSONValue] {
        store.objects(.pods, namespace: namespace).filter { $0["metadata"]?["labels"]?["flowtest.dev/name"]?.string == flowTest }
    }

    func events(namespace: String = "team") -> [String] {
        store.objects(.events, namespace: namespace).compactMap { $0["reason"]?.string }
    }
}
