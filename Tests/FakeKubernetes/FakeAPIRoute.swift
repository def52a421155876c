/// A request path taken apart: which resource, namespace, object and subresource.
struct FakeAPIRoute: Equatable, Sendable {
    /// `group/version/plural`, with an empty group for the core API.
    var resource: String
    /// Nil: all namespaces (or a cluster-scoped resource).
    var namespace: String?
    var name: String?
    var subresource: String?
    var group: String
    var plural: String

    init?(path: String) {
        var parts = path.split(separator: "/").map(String.init)
        let group: String
        let version: String
        if parts.first == "api", parts.count >= 2 {
            (group, version) = ("", parts[1])
            parts.removeFirst(2)
        } else if parts.first == "apis", parts.count >= 3 {
            (group, version) = (parts[1], parts[2])
            parts.removeFirst(3)
        } else {
            return nil
        }
        if parts.first == "namespaces", parts.count >= 3 {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        guard let plural = parts.first, parts.count <= 3 else { return nil }
        self.group = group
        self.plural = plural
        resource = "\(group)/\(version)/\(plural)"
        name = parts.count > 1 ? parts[1] : nil
        subresource = parts.count > 2 ? parts[2] : nil
    }

    /// `flowtests.flowtest.dev`, or `pods` for the core group, as in Status messages.
    var qualifiedName: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// The `details.kind` of Status bodies: the plural.
    var statusKind: String { plural }
}
