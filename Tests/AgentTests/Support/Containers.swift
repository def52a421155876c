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

/// Containers for the fake kubelet.
enum Containers {
    /// Every pod idles until deleted: generators never finish, so the test stays Running.
    static let idle: FakeKubelet.Container = { _ in
        await idleUntilDeleted()
        return true
    }

    /// A pause that cancellation does not cut short.
    static func blockingPause(_ duration: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().asyncAfter(deadline: .now() + duration.seconds) { continuation.resume() }
        }
    }

    /// Waits until the pod is deleted (the kubelet cancels its task).
    static func idleUntilDeleted() async {
        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
    }

    /// Echo pods idle until deleted, then write a final report as a stopped echo agent does;
    /// generator pods report a fixed result as an agent would, then exit. `killed` generators
    /// write only a periodic (unfinished) report and fail, as one killed mid-test leaves it.
    static func simulated(
        client: KubernetesClient, flowsPerGenerator: UInt64 = 10, failing: Set<String> = [], killed: Set<String> = []
    ) -> FakeKubelet.Container {
        { pod in
            let flowTest = pod.name.components(separatedBy: "-\(pod.role)-").first ?? ""
            guard pod.role == "generator" else {
                await idleUntilDeleted()
                let now = FlowTestStatus.preciseTimestamp(Date())
                var report = AgentReport(startTime: now, reportTime: now, finished: true)
                report.listeners = [EchoListenerStatistics(
                    protocol: .tcp, port: 8080, connectionsAccepted: flowsPerGenerator * 2, connectionsActive: 0, connectionsRefused: 0,
                    connectionsTimedOut: 0, bytesReceived: 0, bytesSent: 0, datagramsReceived: 0, datagramsSent: 0)]
                await write(report, role: "echo", pod: pod, flowTest: flowTest, client: client)
                return true
            }
            var report = AgentReport(
                startTime: FlowTestStatus.preciseTimestamp(Date()), reportTime: FlowTestStatus.preciseTimestamp(Date()), finished: !killed.contains(pod.name))
            var counters = TrafficCounters()
            counters.flowsStarted = flowsPerGenerator
            counters.flowsCompleted = flowsPerGenerator
            report.tcp = counters
            report.rtt = LatencyHistogram()
            report.rtt?.record(nanoseconds: 100_000, count: flowsPerGenerator)
            report.elapsedSeconds = 1
            await write(report, role: "generator", pod: pod, flowTest: flowTest, client: client)
            return !failing.contains(pod.name) && !killed.contains(pod.name)
        }
    }

    /// Writes a pod's report as its agent does: under its own incarnation, retried if it fails.
    private static func write(_ report: AgentReport, role: String, pod: FakeKubelet.Pod, flowTest: String, client: KubernetesClient) async {
        await writeReport(report, incarnation: pod.uid, role: role, pod: pod, flowTest: flowTest, client: client)
    }

    /// Writes a pod's report as its agent does, into its own FlowTestReport under its
    /// incarnation (create, or merge patch when the object is there), retried if it fails.
    static func writeReport(
        _ report: AgentReport, incarnation: String, role: String, pod: FakeKubelet.Pod, flowTest: String, client: KubernetesClient,
        retryingFor patience: Duration = .seconds(30)
    ) async {
        guard let role = AgentReport.Role(rawValue: role), let patch = try? FlowTestReport.patch(incarnation: incarnation, report: report),
            let object = try? JSONValue(encoding: FlowTestReport.first(
                pod: pod.name, namespace: pod.namespace, flowTest: flowTest, flowTestUID: nil, role: role, incarnation: incarnation, report: report))
        else { return }
        // Like the agents' final report: retried for a while (the apiserver may be away).
        let deadline = ContinuousClock.now + patience
        while ContinuousClock.now < deadline {
            let created: JSONValue? = try? await client.create(.flowTestReports, namespace: pod.namespace, object)
            if created != nil { return }
            let written: JSONValue? = try? await client.mergePatch(.flowTestReports, namespace: pod.namespace, name: pod.name, patch)
            if written != nil { return }
            // Not Task.sleep: a deleted echo pod's task is cancelled, and it must still report.
            await blockingPause(.milliseconds(100))
        }
    }

    /// Real agents: every pod runs the flowtest-agent binary with the pod's own arguments,
    /// pointed at loopback ports and at the fake API server to report into; echo pods report
    /// too, and a deleted pod's process gets SIGTERM as the kubelet sends it. Make it once per
    /// test: generators send to the echo that started last.
    ///
    /// With `podAddresses`, each echo listens on its own pod IP (all on one port, as in a
    /// cluster) and generators keep the targets the controller gave them: Pods mode then runs a
    /// real full mesh over the headless Service's name, which `FakeClusterDNS` answers (the
    /// generators' `--hosts-file`, kept current while they run) with the ready echo pods; a
    /// killed echo's container restarts at the same address, a replaced pod comes back at a new
    /// one. `agents` learns every process, for a test that kills one.
    /// `secrets` plays the Secrets the kubelet reads for `secretKeyRef` variables (name → key → value).
    /// `logs` keeps what each container wrote, as the kubelet keeps it for `kubectl logs`.
    /// `loopback` is where generators send without `podAddresses`: `::1` plays an IPv6 Service.
    static func real(
        server: FakeAPIServer, podAddresses: Bool = false, agents: RunningAgents? = nil, secrets: [String: [String: String]] = [:],
        logs: PodLogs? = nil, keepPorts: Bool = false, loopback: String = "127.0.0.1"
    ) throws -> FakeKubelet.Container {
        let kubeconfig = try StatusReporterTests.kubeconfig(for: server)
        let echoPorts = Mutex<(tcp: Int, udp: Int)?>(nil)
        let sharedPort = Mutex<Int?>(nil)
        let kubelet = KubernetesClient(configuration: server.configuration(token: .fixed("kubelet")))
        let dns = podAddresses ? FakeClusterDNS(store: server.store) : nil
        return { pod in
            if pod.role == "echo" {
                // With pod addresses every echo takes the port the first one stored, decided under
                // the lock: two echo pods starting together each found none stored, and the second
                // listened on a port of its own that no generator dialled (refused until it restarted).
                guard let candidate = try? await FreePort.tcp(), let metricsPort = try? await FreePort.tcp() else { return false }
                let port = sharedPort.withLock { shared -> Int in
                    guard podAddresses else { return candidate }
                    if shared == nil { shared = candidate }
                    return shared!
                }
                var arguments = pod.arguments
                // keepPorts: the spec's ports, which the test picked free (a traffic mix's many).
                let ports = keepPorts ? [] : [("--tcp-ports", String(port)), ("--udp-ports", String(port))]
                for (flag, value) in ports + [("--metrics-port", String(metricsPort))] {
                    if let index = arguments.firstIndex(of: flag) { arguments[index + 1] = value }
                }
                arguments += ["--kubeconfig", kubeconfig]
                if podAddresses { arguments += ["--bind-address", pod.ip] }
                let environment = ["FLOWTEST_AGENT_NAME": pod.name, "FLOWTEST_POD_UID": pod.uid].merging(secretVariables(pod, secrets)) { $1 }
                guard let echo = try? AgentProcess(arguments, environment: environment) else { return false }
                agents?.started(pod.name, pid: echo.process.processIdentifier)
                let prober = KubeletProber(client: kubelet, pod: pod, metricsPort: metricsPort)
                return await withTaskCancellationHandler {
                    await whileProbed(by: prober) {
                        if (try? await AgentProcess.waitUntilReady(metricsPort: metricsPort)) != nil {
                            echoPorts.withLock { $0 = (port, port) }
                        }
                        let finished = await echo.finish()
                        logs?.exited(pod.name, output: finished.out, errors: finished.err)
                        return finished.code == 0
                    }
                } onCancel: {
                    echo.signal(SIGTERM)
                }
            }
            while echoPorts.withLock({ $0 == nil }) {
                guard !Task.isCancelled else { return false }
                try? await Task.sleep(for: .milliseconds(20))
            }
            let (tcp, udp) = echoPorts.withLock { $0! }
            guard let metricsPort = try? await FreePort.tcp() else { return false }
            // Cluster DNS and ports are the kubelet's business: point the pod's flags at loopback.
            var arguments = pod.arguments
            var replaced = (keepPorts ? [] : [("--tcp-ports", String(tcp)), ("--udp-ports", String(udp))]) + [("--metrics-port", String(metricsPort))]
            if !podAddresses { replaced.append(("--target", loopback)) }
            for (flag, value) in replaced {
                if let index = arguments.firstIndex(of: flag) { arguments[index + 1] = value }
            }
            arguments += ["--kubeconfig", kubeconfig]
            if let dns {
                dns.refresh()
                arguments += ["--hosts-file", dns.path]
            }
            let environment = ["FLOWTEST_AGENT_NAME": pod.name, "FLOWTEST_POD_UID": pod.uid].merging(secretVariables(pod, secrets)) { $1 }
            guard let agent = try? AgentProcess(arguments, environment: environment) else { return false }
            agents?.started(pod.name, pid: agent.process.processIdentifier)
            let prober = KubeletProber(client: kubelet, pod: pod, metricsPort: metricsPort)
            let result = await withTaskCancellationHandler {
                await whileProbed(by: prober, dns: dns) { await agent.finish() }
            } onCancel: {
                agent.signal(SIGTERM)
            }
            logs?.exited(pod.name, output: result.out, errors: result.err)
            return result.code == 0
        }
    }

    /// The pod's `secretKeyRef` variables with their values, as the kubelet resolves them.
    private static func secretVariables(_ pod: FakeKubelet.Pod, _ secrets: [String: [String: String]]) -> [String: String] {
        var variables: [String: String] = [:]
        for variable in pod.env {
            guard let name = variable["name"]?.string, let reference = variable["valueFrom"]?["secretKeyRef"],
                let secret = reference["name"]?.string, let key = reference["key"]?.string, let value = secrets[secret]?[key]
            else { continue }
            variables[name] = value
        }
        return variables
    }

    /// Runs `body` while `prober` probes, as the kubelet probes a running container, and while
    /// `dns` follows the echo pods; both stop when `body` returns.
    private static func whileProbed<Result: Sendable>(
        by prober: KubeletProber, dns: FakeClusterDNS? = nil, _ body: @escaping @Sendable () async -> Result
    ) async -> Result {
        await withTaskGroup(of: Result?.self) { group in
            group.addTask {
                await prober.run()
                return nil
            }
            if let dns {
                group.addTask {
                    await dns.run()
                    return nil
                }
            }
            group.addTask { await body() }
            var result: Result?
            while let next = await group.next() {
                guard let next else { continue }
                result = next
                group.cancelAll()
            }
            return result!
        }
    }
}
