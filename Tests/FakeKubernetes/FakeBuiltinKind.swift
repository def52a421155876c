/// The built-in kinds FlowTest writes, which the fake decodes, defaults and validates the way
/// kube-apiserver does (everything else it stores as given, and FlowTests go through the CRD).
enum FakeBuiltinKind: String, Sendable, CaseIterable {
    case pod = "/v1/pods"
    case service = "/v1/services"
    case serviceAccount = "/v1/serviceaccounts"
    /// core/v1 Events: only decoded (their legacy validation is lenient, and FlowTest does not write them).
    case coreEvent = "/v1/events"
    case event = "events.k8s.io/v1/events"
    case lease = "coordination.k8s.io/v1/leases"
    case role = "rbac.authorization.k8s.io/v1/roles"
    case roleBinding = "rbac.authorization.k8s.io/v1/rolebindings"

    init?(_ route: FakeAPIRoute) {
        self.init(rawValue: route.resource)
    }

    var kind: String {
        switch self {
        case .pod: "Pod"
        case .service: "Service"
        case .serviceAccount: "ServiceAccount"
        case .coreEvent, .event: "Event"
        case .lease: "Lease"
        case .role: "Role"
        case .roleBinding: "RoleBinding"
        }
    }

    var group: String { String(rawValue.split(separator: "/", omittingEmptySubsequences: false)[0]) }

    var apiVersion: String { group.isEmpty ? "v1" : "\(group)/v1" }

    /// `Pod`, `Event.events.k8s.io`: the GroupKind a 422's message starts with.
    var qualifiedKind: String { group.isEmpty ? kind : "\(kind).\(group)" }

    /// The rule for `metadata.name` (and, with a trailing dash masked, `generateName`).
    func nameErrors(_ name: String) -> [String] {
        switch self {
        case .service: FakeNameRules.isDNS1035Label(name)
        case .role, .roleBinding: FakeNameRules.isValidPathSegmentName(name)
        default: FakeNameRules.isDNS1123Subdomain(name)
        }
    }
}
