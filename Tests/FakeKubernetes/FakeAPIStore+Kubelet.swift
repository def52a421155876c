import FlowTestShared
import Foundation

extension FakeAPIStore {
    /// All pods, as the kubelet sees them.
    public func pods() -> [JSONValue] {
        state.withLock { state in
            state.objects.filter { $0.key.resource == "/v1/pods" }.sorted { $0.key < $1.key }.map(\.value)
        }
    }

    /// Whether the pod `namespace/name` exists with this UID: one lookup, for the kubelet's
    /// watch over each running pod (listing every pod per check cost 1,000 pods a million
    /// object visits a second).
    public func podExists(namespace: String, name: String, uid: String) -> Bool {
        let key = Key(resource: "/v1/pods", namespace: namespace, name: name)
        return state.withLock { $0.objects[key]?["metadata"]?["uid"]?.string == uid }
    }

    /// Writes a pod's status, as the kubelet does: new resourceVersion, MODIFIED event.
    public func setPodStatus(namespace: String, name: String, _ status: JSONValue) {
        let key = Key(resource: "/v1/pods", namespace: namespace, name: name)
        state.withLock { state in
            guard var pod = state.objects[key], case .object(var members) = pod else { return }
            members["status"] = status
            state.revision += 1
            pod = .object(members).applyingMergePatch(.object(["metadata": .object(["resourceVersion": .string(String(state.revision))])]))
            state.objects[key] = pod
            record(&state, "MODIFIED", key, pod)
        }
    }

    /// Stores an object without defaulting or validation, as an older CRD version would have
    /// let it in (to test how the controller copes with what the current schema rejects).
    public func insertUnchecked(_ kind: ResourceKind, namespace: String, _ object: JSONValue) {
        let key = Key(resource: "\(kind.group)/\(kind.version)/\(kind.plural)", namespace: namespace, name: object["metadata"]?["name"]?.string ?? "")
        state.withLock { state in
            state.revision += 1
            let stored = object.applyingMergePatch(.object(["metadata": .object([
                "namespace": .string(namespace), "uid": .string(UUID().uuidString.lowercased()), "generation": 1,
                "resourceVersion": .string(String(state.revision)), "creationTimestamp": .string(Self.now()),
            ])]))
            state.objects[key] = stored
            record(&state, "ADDED", key, stored)
        }
    }
}
