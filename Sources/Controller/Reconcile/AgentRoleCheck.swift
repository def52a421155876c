import FlowTestShared
import Synchronization

/// Brings the agents' Role in a namespace up to date once per controller process.
///
/// The Role is created when missing, but one that an older controller created keeps the rules it
/// was given, and a `helm upgrade` that gives agents a new permission (reports in
/// FlowTestReports) would never reach namespaces that had run a test before. So the first time
/// this process finds the Role already there, it reads it and replaces rules that differ. Once
/// per namespace, not per reconcile: a reconcile runs on every change of every test, and a Role
/// that is right stays right (a deleted one is created again by the next reconcile, as before).
final class AgentRoleCheck: Sendable {
    private let checked = Mutex<Set<String>>([])

    /// Creates the Role, or on 409 AlreadyExists makes its rules `wanted`'s; a no-op once done.
    func ensure(_ wanted: JSONValue, namespace: String, client: KubernetesClient) async throws(KubernetesError) {
        do {
            _ = try await client.create(.roles, namespace: namespace, wanted)
        } catch .alreadyExists {
            guard !checked.withLock({ $0.contains(namespace) }) else { return }
            let name = wanted["metadata"]?["name"]?.string ?? ""
            let current: JSONValue = try await client.get(.roles, namespace: namespace, name: name)
            if current["rules"] != wanted["rules"], case .object(var members) = current {
                // A PUT with the resourceVersion just read: a concurrent change gives 409 Conflict
                // and the reconcile is retried.
                members["rules"] = wanted["rules"]
                let _: JSONValue = try await client.replace(.roles, namespace: namespace, name: name, JSONValue.object(members))
            }
        }
        checked.withLock { _ = $0.insert(namespace) }
    }
}
