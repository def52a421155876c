import FlowTestShared
import Synchronization

/// Every agent pod the controller's pod watch has seen, as `PodState`, keyed by test
/// (`namespace/name`) and pod name.
///
/// Why a cache: a pass that listed a test's pods cost the apiserver (and the controller's
/// decoding) a list of every agent pod, and a test's pods change state thousands of times at
/// 1,000 agents: listing them on every pass made the test's cost grow with the square of its
/// agents. The watch decodes each pod once per change; a pass reads the states from memory. A
/// controller restart rebuilds them from the watch's first list.
final class PodCache: Sendable {
    private struct State {
        var pods: [String: [String: PodState]] = [:]
        var listed: Set<String?> = []
    }

    private let state = Mutex(State())
    private let namespaces: [String?]

    init(namespaces: [String]?) {
        self.namespaces = namespaces.map { $0.map(Optional.some) } ?? [nil]
    }

    /// True once every watched namespace's pods have been listed.
    var isSynced: Bool {
        state.withLock { state in namespaces.allSatisfy { state.listed.contains($0) } }
    }

    /// The agent pods of the test `name` in `namespace`, by pod name.
    func pods(namespace: String, flowTest name: String) -> [String: PodState] {
        state.withLock { $0.pods["\(namespace)/\(name)"] ?? [:] }
    }

    /// Replaces what is known of `namespace` (nil: everywhere) with a fresh list.
    func replace(namespace: String?, with objects: [JSONValue]) {
        let decoded = objects.compactMap(Self.decode)
        state.withLock { state in
            for key in state.pods.keys where namespace.map({ key.hasPrefix("\($0)/") }) ?? true { state.pods.removeValue(forKey: key) }
            for (key, pod) in decoded { state.pods[key, default: [:]][pod.name] = pod }
            state.listed.insert(namespace)
        }
    }

    /// Applies one watch event.
    func apply(_ object: JSONValue, deleted: Bool) {
        guard let (key, pod) = Self.decode(object) else { return }
        state.withLock { state in
            if deleted {
                state.pods[key]?.removeValue(forKey: pod.name)
                if state.pods[key]?.isEmpty == true { state.pods.removeValue(forKey: key) }
            } else {
                state.pods[key, default: [:]][pod.name] = pod
            }
        }
    }

    private static func decode(_ object: JSONValue) -> (key: String, pod: PodState)? {
        guard let key = ControllerService.ownerKey(object) else { return nil }
        return (key, PodState(object))
    }
}
