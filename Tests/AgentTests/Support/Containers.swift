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

    /// Waits until the pod is deleted (the kubelet cancels its task).
    static func idleUntilDeleted() async {
        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
    }

    /// Echo pods idle until deleted; generator pods report a fixed result as an agent would, then exit.
    static func simulated(client: KubernetesClient, flowsPerGenerator: UInt64 = 10, failing: Set<String> = []) -> FakeKubelet.Container {
        { pod in
            guard pod.role == "generator" else {
                await idleUntilDeleted()
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
                await idleUntilDeleted()
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
