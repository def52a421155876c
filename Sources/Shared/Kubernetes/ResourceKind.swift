/// A Kubernetes resource type and where its REST endpoints are.
public struct ResourceKind: Sendable, Hashable {
    /// Empty for the core group (`/api/v1`).
    public var group: String
    public var version: String
    public var plural: String
    public var namespaced: Bool

    public init(group: String, version: String, plural: String, namespaced: Bool = true) {
        self.group = group
        self.version = version
        self.plural = plural
        self.namespaced = namespaced
    }

    public static let flowTests = ResourceKind(group: FlowTest.group, version: FlowTest.version, plural: FlowTest.plural)
    public static let flowTestReports = ResourceKind(group: FlowTest.group, version: FlowTest.version, plural: FlowTestReport.plural)
    public static let pods = ResourceKind(group: "", version: "v1", plural: "pods")
    public static let services = ResourceKind(group: "", version: "v1", plural: "services")
    public static let serviceAccounts = ResourceKind(group: "", version: "v1", plural: "serviceaccounts")
    public static let events = ResourceKind(group: "events.k8s.io", version: "v1", plural: "events")
    public static let roles = ResourceKind(group: "rbac.authorization.k8s.io", version: "v1", plural: "roles")
    public static let roleBindings = ResourceKind(group: "rbac.authorization.k8s.io", version: "v1", plural: "rolebindings")
    public static let leases = ResourceKind(group: "coordination.k8s.io", version: "v1", plural: "leases")

    /// `/apis/group/version` or `/api/v1`.
    public var groupVersionPath: String {
        group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
    }

    /// The path of the collection (namespace nil: all namespaces), an object, or its subresource.
    public func path(namespace: String?, name: String? = nil, subresource: String? = nil) -> String {
        var path = groupVersionPath
        if namespaced, let namespace { path += "/namespaces/\(namespace)" }
        path += "/\(plural)"
        if let name { path += "/\(name)" }
        if let subresource { path += "/\(subresource)" }
        return path
    }
}
