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

    var store: FakeAPIStore { server.store }

    /// Runs `body` while the controller and the kubelet run; stops them afterwards.
    static func run(
        container makeContainer: (FakeAPIServer, KubernetesClient) throws -> FakeKubelet.Container, overrun: Duration = .seconds(120),
        namespaces: [String]? = nil, _ body: @escaping @Sendable (ControllerHarness) async throws -> Void
    ) async throws {
        let server = try await FakeAPIServer.start()
        // Tokens of their own tell the controller's requests from the user's and the agents' in
        // the server's log: the controller's are checked against the chart's RBAC.
        let retry = KubernetesClient.RetryPolicy(attempts: 3, initialBackoff: .milliseconds(20))
        let client = KubernetesClient(configuration: server.configuration(token: .fixed(userToken)), retry: retry)
        let controllerClient = KubernetesClient(configuration: server.configuration(token: .fixed(controllerToken)), retry: retry)
        let logger = Logger(label: "test.controller")
        let registry = PrometheusCollectorRegistry()
        let metrics = ControllerMetrics(registry: registry)
        let reconciler = FlowTestReconciler(
            client: controllerClient, settings: AgentPodSettings(), events: EventRecorder(client: controllerClient, instance: "test", logger: logger),
            logger: logger, metrics: metrics, overrun: overrun)
        let controller = ControllerService(
            client: controllerClient, reconciler: reconciler, namespaces: namespaces, workers: 2, metrics: metrics, logger: logger)
        let kubelet = FakeKubelet(store: server.store, container: try makeContainer(server, client))
        let harness = ControllerHarness(server: server, client: client, registry: registry)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await controller.run() }
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

    /// Bearer tokens that tell the controller's requests from the test's own (the user's).
    static let controllerToken = "controller"
    static let userToken = "user"

    func create(_ yaml: String, namespace: String = "team") async throws -> FlowTest {
        let flowTest = try FlowTest.validated(try JSONValue(yaml: yaml)).get()
        return try await client.create(.flowTests, namespace: namespace, flowTest)
    }

    func flowTest(_ name: String, namespace: String = "team") async throws -> FlowTest {
        try await client.get(.flowTests, namespace: namespace, name: name)
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

struct HarnessTimeout: Error, CustomStringConvertible {
    var description: String
}

/// Containers for the fake kubelet.
enum Containers {
    /// Echo pods idle until deleted; generator pods report a fixed result as an agent would, then exit.
    static func simulated(client: KubernetesClient, flowsPerGenerator: UInt64 = 10, failing: Set<String> = []) -> FakeKubelet.Container {
        { pod in
            guard pod.role == "generator" else {
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
                return true
            }
            var report = AgentReport(role: .generator, reportTime: FlowTestStatus.timestamp(Date()), finished: true)
            var counters = TrafficCounters()
            counters.flowsStarted = flowsPerGenerator
            counters.flowsCompleted = flowsPerGenerator
            report.tcp = counters
            report.rtt = LatencyHistogram()
            report.rtt?.record(nanoseconds: 100_000, count: flowsPerGenerator)
            report.elapsedSeconds = 1
            let flowTest = pod.name.components(separatedBy: "-generator-").first ?? ""
            let patch: JSONValue = .object(["status": .object(["agents": .object([pod.name: (try? JSONValue(encoding: report)) ?? .null])])])
            // Like a real agent, a report that fails is sent again (real ones: every interval).
            for _ in 0..<10 {
                let written: JSONValue? = try? await client.mergePatch(.flowTests, namespace: pod.namespace, name: flowTest, patch, subresource: "status")
                if written != nil { break }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return !failing.contains(pod.name)
        }
    }

    /// Real agents: echo pods run an echo server in this process, generator pods run the
    /// flowtest-agent binary with the pod's own arguments, pointed at that echo server and at the
    /// fake API server to report into. Make it once per test: the pods share its echo ports.
    static func real(server: FakeAPIServer) throws -> FakeKubelet.Container {
        let kubeconfig = try StatusReporterTests.kubeconfig(for: server)
        let echoPorts = Mutex<(tcp: Int, udp: Int)?>(nil)
        return { pod in
            if pod.role == "echo" {
                guard let echo = try? await EchoFixture.start() else { return false }
                echoPorts.withLock { $0 = (echo.tcpPort, echo.udpPort) }
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
                await echo.stop()
                return true
            }
            while echoPorts.withLock({ $0 == nil }) {
                guard !Task.isCancelled else { return false }
                try? await Task.sleep(for: .milliseconds(20))
            }
            let (tcp, udp) = echoPorts.withLock { $0! }
            // Cluster DNS and ports are the kubelet's business: point the pod's flags at loopback.
            var arguments = pod.arguments
            for (flag, value) in [("--target", "127.0.0.1"), ("--tcp-ports", String(tcp)), ("--udp-ports", String(udp)), ("--metrics-port", "0")] {
                if let index = arguments.firstIndex(of: flag) { arguments[index + 1] = value }
            }
            arguments += ["--kubeconfig", kubeconfig]
            guard let agent = try? AgentProcess(arguments, environment: ["FLOWTEST_AGENT_NAME": pod.name]) else { return false }
            let result = await withTaskCancellationHandler {
                await agent.finish()
            } onCancel: {
                agent.signal(SIGTERM)
            }
            return result.code == 0
        }
    }
}
