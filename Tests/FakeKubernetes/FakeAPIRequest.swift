/// One request the fake server received, with what Kubernetes RBAC would authorize it as.
public struct FakeAPIRequest: Sendable {
    public let method: String
    public let path: String
    public let authorization: String?
    /// A GET with `watch=1`: RBAC's `watch`, not `list`.
    public let isWatch: Bool
    /// The path taken apart once; nil for paths outside the resource API.
    private let route: FakeAPIRoute?

    init(method: String, path: String, authorization: String?, isWatch: Bool) {
        self.method = method
        self.path = path
        self.authorization = authorization
        self.isWatch = isWatch
        self.route = FakeAPIRoute(path: path)
    }

    /// The RBAC verb kube-apiserver derives from the method and path.
    public var verb: String {
        let named = route?.name != nil
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
    public var group: String? { route?.group }

    /// The RBAC resource: the plural, with the subresource after a slash (`flowtests/status`).
    public var resource: String? {
        guard let route else { return nil }
        return route.subresource.map { "\(route.plural)/\($0)" } ?? route.plural
    }
}
