/// One request the fake server received, with what Kubernetes RBAC would authorize it as.
public struct FakeAPIRequest: Sendable {
    public let method: String
    public let path: String
    public let authorization: String?
    /// A GET with `watch=1`: RBAC's `watch`, not `list`.
    public let isWatch: Bool

    /// The RBAC verb kube-apiserver derives from the method and path.
    public var verb: String {
        let named = FakeAPIRoute(path: path)?.name != nil
        switch method {
        case "GET": return named ? "get" : (isWatch ? "watch" : "list")
        case "POST": return "create"
        case "PUT": return "update"
        case "PATCH": return "patch"
        case "DELETE": return named ? "delete" : "deletecollection"
        default: return method.lowercased()
        }
    }

    /// The API group ("" for core), nil for paths outside the resource API.
    public var group: String? { FakeAPIRoute(path: path)?.group }

    /// The RBAC resource: the plural, with the subresource after a slash (`flowtests/status`).
    public var resource: String? {
        guard let route = FakeAPIRoute(path: path) else { return nil }
        return route.subresource.map { "\(route.plural)/\($0)" } ?? route.plural
    }
}
