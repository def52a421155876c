import FlowTestShared
import Foundation
import Synchronization

/// Plays the kubelet for the fake API server: every new pod is started (phase Running, ready,
/// a pod IP of its own on 127.0.0.0/8), its "container" is the test's function, and when that returns the pod's
/// phase becomes Succeeded or Failed (restartPolicy Never), or, with restartPolicy Always, the
/// kubelet restarts the container in place: same pod, same IP, not ready until it runs again
/// (`restartDelay` plays the kubelet's back-off). A pod deleted meanwhile has its function cancelled.
public final class FakeKubelet: Sendable {
    /// What a test's container function is given.
    public struct Pod: Sendable {
        public var namespace: String
        public var name: String
        public var uid: String
        public var role: String
        public var arguments: [String]
        public var restartPolicy: String
        /// The container's probes as in its spec, by kind: readinessProbe, livenessProbe, startupProbe.
        public var probes: [String: JSONValue]
        /// The pod's IP, on 127.0.0.0/8, its own.
        public var ip = ""
        /// 0 for the first run of the container, then one more per restart.
        public var restartCount = 0
        /// The container's `env` as in its spec.
        public var env: [JSONValue] = []
        /// The pod's sysctls, name → value, as the kubelet sets them in its network namespace.
        public var sysctls: [String: String] = [:]
    }

    /// The sysctls a kubelet allows without `--allowed-unsafe-sysctls` (Kubernetes 1.36's safe
    /// set): a pod asking for any other is refused at admission with reason SysctlForbidden.
    static let safeSysctls: Set<String> = [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
    ]

    /// Runs a pod's container; returns true when it exited successfully.
    public typealias Container = @Sendable (Pod) async -> Bool

    /// A status for pods that never start (unschedulable, crash-looping, image not found), or nil to run them.
    public typealias StuckStatus = @Sendable (Pod) -> JSONValue?

    private let store: FakeAPIStore
    private let container: Container
    private let stuck: StuckStatus
    private let started = Mutex<Set<String>>([])
    /// Pod IPs by pod UID: each pod gets its own, as on a cluster (Pods mode targets them all).
    private let addresses = Mutex<[String: String]>([:])

    private let restartDelay: Duration

    public init(
        store: FakeAPIStore, container: @escaping Container, stuck: @escaping StuckStatus = { _ in nil }, restartDelay: Duration = .milliseconds(300)
    ) {
        self.restartDelay = restartDelay
        self.store = store
        self.container = container
        self.stuck = stuck
    }

    /// Runs until cancelled, starting pods as they appear.
    public func run() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                for pod in store.pods() {
                    guard let uid = pod["metadata"]?["uid"]?.string, started.withLock({ $0.insert(uid).inserted }) else { continue }
                    let described = Pod(
                        namespace: pod["metadata"]?["namespace"]?.string ?? "", name: pod["metadata"]?["name"]?.string ?? "", uid: uid,
                        role: pod["metadata"]?["labels"]?["flowtest.dev/role"]?.string ?? "",
                        arguments: pod["spec"]?["containers"]?.array?.first?["args"]?.array?.compactMap(\.string) ?? [],
                        restartPolicy: pod["spec"]?["restartPolicy"]?.string ?? "Always",
                        probes: Self.probes(of: pod), env: pod["spec"]?["containers"]?.array?.first?["env"]?.array ?? [],
                        sysctls: Dictionary(
                            (pod["spec"]?["securityContext"]?["sysctls"]?.array ?? []).map { ($0["name"]?.string ?? "", $0["value"]?.string ?? "") },
                            uniquingKeysWith: { $1 }))
                    group.addTask { [self] in await runPod(described) }
                }
                try? await Task.sleep(for: .milliseconds(25))
            }
        }
    }

    private func exists(_ pod: Pod) -> Bool {
        store.podExists(namespace: pod.namespace, name: pod.name, uid: pod.uid)
    }

    private func runPod(_ pod: Pod) async {
        var pod = pod
        if let status = stuck(pod) { return store.setPodStatus(namespace: pod.namespace, name: pod.name, status) }
        if let unsafe = pod.sysctls.keys.sorted().first(where: { !Self.safeSysctls.contains($0) }) {
            return store.setPodStatus(namespace: pod.namespace, name: pod.name, .object([
                "phase": "Failed", "reason": "SysctlForbidden", "message": .string("Pod forbidden sysctl: \"\(unsafe)\" not allowlisted"),
            ]))
        }
        let ip = addresses.withLock { addresses in
            let next = "127.0.\(addresses.count / 250).\(addresses.count % 250 + 2)"
            return addresses[pod.uid, default: next]
        }
        addresses.withLock { $0[pod.uid] = ip }
        pod.ip = ip
        while true {
            store.setPodStatus(namespace: pod.namespace, name: pod.name, Self.status(phase: "Running", ready: true, ip: ip))
            // Run the container while the pod exists; a deleted pod's container is cancelled.
            let started = pod
            let outcome = await withTaskGroup(of: Bool?.self) { group in
                group.addTask { await self.container(started) }
                group.addTask {
                    while !Task.isCancelled, self.exists(started) { try? await Task.sleep(for: .milliseconds(25)) }
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            guard let succeeded = outcome, exists(pod) else { return }
            guard pod.restartPolicy == "Always", !Task.isCancelled else { return finished(pod, succeeded: succeeded, ip: ip) }
            store.setPodStatus(namespace: pod.namespace, name: pod.name, Self.status(phase: "Running", ready: false, ip: ip))
            try? await Task.sleep(for: restartDelay)
            guard exists(pod), !Task.isCancelled else { return }
            pod.restartCount += 1
        }
    }

    private func finished(_ pod: Pod, succeeded: Bool, ip: String) {
        store.setPodStatus(namespace: pod.namespace, name: pod.name, Self.status(phase: succeeded ? "Succeeded" : "Failed", ready: false, ip: ip))
    }

    private static func probes(of pod: JSONValue) -> [String: JSONValue] {
        let container = pod["spec"]?["containers"]?.array?.first
        var probes: [String: JSONValue] = [:]
        for kind in ["startupProbe", "readinessProbe", "livenessProbe"] { probes[kind] = container?[kind] }
        return probes
    }

    /// Marks a pod as crashed (phase Failed), as if its node had lost it.
    public func fail(namespace: String, name: String) {
        store.setPodStatus(namespace: namespace, name: name, Self.status(phase: "Failed", ready: false))
    }

    static func status(phase: String, ready: Bool, ip: String = "127.0.0.1") -> JSONValue {
        .object([
            "phase": .string(phase), "podIP": .string(ip),
            "conditions": [.object(["type": "Ready", "status": ready ? "True" : "False"])],
        ])
    }
}
