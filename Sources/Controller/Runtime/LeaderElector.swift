import FlowTestShared
import Foundation
import Logging

/// Leader election with a `coordination.k8s.io/v1` Lease, so two controller replicas never
/// reconcile at once: the holder renews the lease every `retryPeriod`; another replica takes it
/// over only after `leaseDuration` without a renewal, or at once when the holder releases it on
/// a graceful stop.
struct LeaderElector: Sendable {
    let client: KubernetesClient
    let namespace: String
    let name: String
    let identity: String
    var leaseDuration: Duration = .seconds(15)
    var renewDeadline: Duration = .seconds(10)
    var retryPeriod: Duration = .seconds(2)
    let logger: Logger

    /// Waits for the lease, then runs `lead` while holding it. Returns when `lead` returns, the
    /// task is cancelled (the lease is released), or the lease is lost (`lead` is cancelled).
    func run(_ lead: @escaping @Sendable () async -> Void) async {
        while !Task.isCancelled {
            if await tryAcquireOrRenew() { break }
            try? await Task.sleep(for: retryPeriod)
        }
        guard !Task.isCancelled else { return }
        logger.info("became leader", metadata: ["lease": "\(namespace)/\(name)", "identity": "\(identity)"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await lead() }
            group.addTask { await keepRenewing() }
            // Whichever ends first (lead done, lease lost, or cancellation) ends both.
            await group.next()
            group.cancelAll()
        }
        await release()
    }

    /// Renews until a renewal has failed for longer than `renewDeadline`, or cancellation.
    private func keepRenewing() async {
        var lastRenewal = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: retryPeriod)
            if Task.isCancelled { return }
            if await tryAcquireOrRenew() {
                lastRenewal = .now
            } else if ContinuousClock.now - lastRenewal > renewDeadline {
                logger.error("lost the leader lease", metadata: ["lease": "\(namespace)/\(name)"])
                return
            }
        }
    }

    /// One attempt: create the lease, renew our own, or take over an expired or released one.
    func tryAcquireOrRenew() async -> Bool {
        let now = Date()
        do {
            let lease: JSONValue
            do { lease = try await client.get(.leases, namespace: namespace, name: name) } catch .notFound {
                _ = try await client.create(.leases, namespace: namespace, makeLease(holder: identity, acquired: now, renewed: now, transitions: 0, version: nil))
                return true
            }
            let spec = lease["spec"] ?? .object([:])
            let holder = spec["holderIdentity"]?.string ?? ""
            let renewed = spec["renewTime"]?.string.flatMap(MicroTime.date) ?? .distantPast
            let duration = spec["leaseDurationSeconds"]?.number ?? leaseDuration.seconds
            let expired = now.timeIntervalSince(renewed) > duration
            guard holder == identity || holder.isEmpty || expired else { return false }
            let transitions = Int64(spec["leaseTransitions"]?.number ?? 0) + (holder == identity ? 0 : 1)
            let acquired = holder == identity ? (spec["acquireTime"]?.string.flatMap(MicroTime.date) ?? now) : now
            _ = try await client.replace(
                .leases, namespace: namespace, name: name,
                makeLease(holder: identity, acquired: acquired, renewed: now, transitions: transitions, version: lease["metadata"]?["resourceVersion"]?.string))
            return true
        } catch {
            // A 409 means another replica won this round; anything else is retried next period.
            logger.debug("lease attempt failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Gives the lease up on a graceful stop, so a standby replica takes over at once.
    private func release() async {
        guard let lease: JSONValue = try? await client.get(.leases, namespace: namespace, name: name),
            lease["spec"]?["holderIdentity"]?.string == identity
        else { return }
        var released = makeLease(holder: "", acquired: Date(), renewed: Date(), transitions: Int64(lease["spec"]?["leaseTransitions"]?.number ?? 0), version: lease["metadata"]?["resourceVersion"]?.string)
        released = released.applyingMergePatch(.object(["spec": .object(["leaseDurationSeconds": 1])]))
        _ = try? await client.replace(.leases, namespace: namespace, name: name, released)
        logger.info("released the leader lease", metadata: ["lease": "\(namespace)/\(name)"])
    }

    private func makeLease(holder: String, acquired: Date, renewed: Date, transitions: Int64, version: String?) -> JSONValue {
        var metadata: [String: JSONValue] = ["name": .string(name), "namespace": .string(namespace)]
        if let version { metadata["resourceVersion"] = .string(version) }
        return .object([
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": .object(metadata),
            "spec": .object([
                "holderIdentity": .string(holder), "leaseDurationSeconds": .integer(Int64(leaseDuration.seconds)),
                "acquireTime": .string(MicroTime.string(acquired)), "renewTime": .string(MicroTime.string(renewed)),
                "leaseTransitions": .integer(transitions),
            ]),
        ])
    }
}
