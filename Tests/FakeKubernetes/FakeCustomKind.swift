import FlowTestShared

/// A custom resource the fake serves as kube-apiserver serves a CRD: from the same declaration
/// (`CRDRenderer.Kind`) the committed CRD is rendered from, so its schema, status subresource,
/// list kind and printer columns are those a real cluster would have. A plural of the group that
/// is not here gets 404, as on a cluster without that CRD.
struct FakeCustomKind: Sendable {
    var group: String
    var declaration: CRDRenderer.Kind

    var kind: String { declaration.kind }
    var plural: String { declaration.plural }
    var schema: Schema { declaration.schema }
    var listKind: String { "\(declaration.kind)List" }
    var hasStatusSubresource: Bool { declaration.statusSubresource }

    /// The CRD's printer columns, taken from the declaration (rendering the whole CRD per
    /// request would render the whole schema too).
    var printerColumns: [JSONValue] { declaration.printerColumns }

    static let all: [FakeCustomKind] = [
        FakeCustomKind(group: FlowTest.group, declaration: FlowTestCRD.kind),
        FakeCustomKind(group: FlowTest.group, declaration: FlowTestReportCRD.kind),
    ]

    /// The custom kind a route names, or nil for built-in kinds.
    init?(_ route: FakeAPIRoute) {
        guard let found = Self.all.first(where: { $0.group == route.group && $0.plural == route.plural }) else { return nil }
        self = found
    }

    private init(group: String, declaration: CRDRenderer.Kind) {
        self.group = group
        self.declaration = declaration
    }

    /// Whether `route` is in a custom group but names no kind of it, or a subresource the kind
    /// lacks: the real server has no such endpoint (404 NotFound, `details` empty).
    static func isMissing(_ route: FakeAPIRoute) -> Bool {
        guard all.contains(where: { $0.group == route.group }) else { return false }
        guard let kind = FakeCustomKind(route) else { return true }
        if let subresource = route.subresource { return !(subresource == "status" && kind.hasStatusSubresource) }
        return false
    }
}
