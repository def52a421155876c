import FakeKubernetes
import FlowTestShared
import Foundation
import Logging
import Synchronization
import Testing
@testable import FlowTestController

/// Who has led so far, in order.
final class Leaders: Sendable {
    let names = Mutex<[String]>([])
}

@Suite("Leader election with a Lease", .serialized, .timeLimit(.minutes(2)))
struct LeaderElectionTests {
    private static func elector(_ identity: String, _ client: KubernetesClient) -> LeaderElector {
        var elector = LeaderElector(client: client, namespace: "flowtest-system", name: "flowtest-controller", identity: identity, logger: Logger(label: identity))
        elector.leaseDuration = .seconds(2)
        elector.renewDeadline = .seconds(1)
        elector.retryPeriod = .milliseconds(100)
        return elector
    }

    @Test func onlyOneLeadsAndAGracefulStopHandsOverAtOnce() async throws {
        let server = try await FakeAPIServer.start()
        let client = KubernetesClient(configuration: server.configuration())
        let leading = Leaders()
        let first = Task {
            await Self.elector("controller-a", client).run {
                leading.names.withLock { $0.append("controller-a") }
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
            }
        }
        try await ControllerLifecycleTests.waitUntil { leading.names.withLock { $0 } == ["controller-a"] }
        let second = Task {
            await Self.elector("controller-b", client).run {
                leading.names.withLock { $0.append("controller-b") }
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
            }
        }
        // B keeps trying but never leads while A renews.
        try await Task.sleep(for: .seconds(3))
        #expect(leading.names.withLock { $0 } == ["controller-a"])
        let lease = server.store.object(.leases, namespace: "flowtest-system", name: "flowtest-controller")
        #expect(lease?["spec"]?["holderIdentity"]?.string == "controller-a")
        #expect(lease?["spec"]?["renewTime"]?.string?.hasSuffix("Z") == true)

        // A stops gracefully and releases the lease: B takes over well within a lease duration.
        let stopped = ContinuousClock.now
        first.cancel()
        await first.value
        try await ControllerLifecycleTests.waitUntil { leading.names.withLock { $0 } == ["controller-a", "controller-b"] }
        #expect(ContinuousClock.now - stopped < .seconds(2))
        let handedOver = server.store.object(.leases, namespace: "flowtest-system", name: "flowtest-controller")
        #expect(handedOver?["spec"]?["holderIdentity"]?.string == "controller-b")
        #expect(handedOver?["spec"]?["leaseTransitions"]?.number == 1)
        second.cancel()
        await second.value
        await server.stop()
        // Taking, renewing and releasing the Lease needs only what the chart's leader Role grants.
        let denied = try ChartRBAC(define: "flowtest.leaderElectionRules").forbidden(server.store.requests)
        #expect(denied.isEmpty, "the chart's leader-election Role does not allow: \(denied.sorted())")
    }

    @Test func aLeaseNotRenewedExpiresAndIsTakenOver() async throws {
        let server = try await FakeAPIServer.start()
        let client = KubernetesClient(configuration: server.configuration())
        // A crashed holder: its lease was renewed long ago and never again.
        let stale: JSONValue = .object([
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": .object(["name": "flowtest-controller", "namespace": "flowtest-system"]),
            "spec": .object([
                "holderIdentity": "crashed", "leaseDurationSeconds": 2, "acquireTime": "2026-01-01T00:00:00.000000Z",
                "renewTime": "2026-01-01T00:00:00.000000Z", "leaseTransitions": 3,
            ]),
        ])
        _ = try await client.create(.leases, namespace: "flowtest-system", stale)
        #expect(await Self.elector("controller-b", client).tryAcquireOrRenew())
        let lease = server.store.object(.leases, namespace: "flowtest-system", name: "flowtest-controller")
        #expect(lease?["spec"]?["holderIdentity"]?.string == "controller-b")
        #expect(lease?["spec"]?["leaseTransitions"]?.number == 4)
        // A lease renewed just now is respected.
        #expect(await Self.elector("controller-c", client).tryAcquireOrRenew() == false)
        await server.stop()
    }
}
