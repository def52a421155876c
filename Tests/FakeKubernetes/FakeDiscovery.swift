import FlowTestShared
import Foundation

/// The discovery documents and `/version` that kubectl reads before anything else, shaped as the
/// recorded ones (fixtures 57-59), for the kinds this fake serves. The custom kinds' entries come
/// from their CRD declarations (`FakeCustomKind`), so kubectl in the tests resolves `flowtests`,
/// `flowtest`, `ft` and `flowtestreports`, `ftr` as the real CRDs declare them. kubectl first
/// asks for aggregated discovery and falls back to these plain documents when the answer is not one.
enum FakeDiscovery {
    private struct Resource {
        var name: String
        var singular: String
        var kind: String
        var shortNames: [String] = []
        var categories: [String] = []
        var subresources: [String] = []
        var namespaced = true
    }

    private static let verbs: [JSONValue] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    /// Group versions and their resources; "" is the core group.
    private static let groups: [(group: String, version: String, resources: [Resource])] = {
        let custom = FakeCustomKind.all.map { kind in
            Resource(
                name: kind.plural, singular: kind.declaration.singular, kind: kind.kind, shortNames: kind.declaration.shortNames,
                categories: kind.declaration.categories, subresources: kind.hasStatusSubresource ? ["status"] : [])
        }
        return [
            ("", "v1", [
                Resource(name: "events", singular: "event", kind: "Event", shortNames: ["ev"]),
                Resource(name: "namespaces", singular: "namespace", kind: "Namespace", shortNames: ["ns"], subresources: ["status"], namespaced: false),
                Resource(name: "pods", singular: "pod", kind: "Pod", shortNames: ["po"], categories: ["all"], subresources: ["status"]),
                Resource(name: "serviceaccounts", singular: "serviceaccount", kind: "ServiceAccount", shortNames: ["sa"]),
                Resource(name: "services", singular: "service", kind: "Service", shortNames: ["svc"], categories: ["all"], subresources: ["status"]),
            ]),
            (FlowTest.group, FlowTest.version, custom),
            ("coordination.k8s.io", "v1", [Resource(name: "leases", singular: "lease", kind: "Lease")]),
            ("events.k8s.io", "v1", [Resource(name: "events", singular: "event", kind: "Event", shortNames: ["ev"])]),
            ("rbac.authorization.k8s.io", "v1", [
                Resource(name: "rolebindings", singular: "rolebinding", kind: "RoleBinding"),
                Resource(name: "roles", singular: "role", kind: "Role"),
            ]),
        ]
    }()

    /// The document at `path`, or nil when `path` is not a discovery path.
    static func response(for path: String) -> FakeAPIResponse? {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        switch trimmed {
        case "/version": return .full(status: 200, body: Data(version.utf8), headers: [])
        case "/api": return .json(200, .object(["kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": .array([])]))
        case "/apis": return .json(200, .object(["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(namedGroups.map(group))]))
        case "/api/v1": return .json(200, resourceList(group: "", version: "v1"))
        default: break
        }
        let parts = trimmed.split(separator: "/").map(String.init)
        guard parts.first == "apis", (2...3).contains(parts.count), namedGroups.contains(parts[1]) else { return nil }
        if parts.count == 2 { return .json(200, group(parts[1])) }
        guard groups.contains(where: { $0.group == parts[1] && $0.version == parts[2] }) else { return nil }
        return .json(200, resourceList(group: parts[1], version: parts[2]))
    }

    private static let namedGroups: [String] = groups.map(\.group).filter { !$0.isEmpty }

    /// Fixture 58.
    private static func group(_ name: String) -> JSONValue {
        let version = groups.first { $0.group == name }!.version
        let groupVersion: JSONValue = .object(["groupVersion": .string("\(name)/\(version)"), "version": .string(version)])
        return .object([
            "kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": .array([groupVersion]),
            "preferredVersion": groupVersion,
        ])
    }

    /// Fixture 57: each resource, then each of its subresources.
    private static func resourceList(group: String, version: String) -> JSONValue {
        let resources = groups.first { $0.group == group && $0.version == version }?.resources ?? []
        var entries: [JSONValue] = []
        for resource in resources {
            var entry: [String: JSONValue] = [
                "name": .string(resource.name), "singularName": .string(resource.singular), "namespaced": .bool(resource.namespaced),
                "kind": .string(resource.kind), "verbs": .array(verbs),
            ]
            if !resource.shortNames.isEmpty { entry["shortNames"] = .array(resource.shortNames.map(JSONValue.string)) }
            if !resource.categories.isEmpty { entry["categories"] = .array(resource.categories.map(JSONValue.string)) }
            entries.append(.object(entry))
            for subresource in resource.subresources {
                entries.append(.object([
                    "name": .string("\(resource.name)/\(subresource)"), "singularName": "", "namespaced": .bool(resource.namespaced),
                    "kind": .string(resource.kind), "verbs": ["get", "patch", "update"],
                ]))
            }
        }
        return .object([
            "kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"), "resources": .array(entries),
        ])
    }

    /// Fixture 59, always indented as the API server sends it.
    private static let version = """
        {
          "major": "1",
          "minor": "36",
          "emulationMajor": "1",
          "emulationMinor": "36",
          "minCompatibilityMajor": "1",
          "minCompatibilityMinor": "35",
          "gitVersion": "v1.36.2",
          "gitCommit": "98b35193b2ac7a23a673325f5e9b830ecd5ba406",
          "gitTreeState": "clean",
          "buildDate": "2026-11-21T19:23:15Z",
          "goVersion": "go1.26.4",
          "compiler": "gc",
          "platform": "linux/amd64"
        }
        """
}
