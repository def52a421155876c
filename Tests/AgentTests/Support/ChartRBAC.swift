import FakeKubernetes
import FlowTestShared
import Foundation

/// RBAC rules, such as those the Helm chart grants the controller (read from the chart's own
/// templates), so a test can check that every request made would be allowed in a real cluster.
struct ChartRBAC {
    struct Rule: Decodable {
        let apiGroups: [String]
        let resources: [String]
        let verbs: [String]
    }

    let rules: [Rule]

    init(rules: [Rule]) {
        self.rules = rules
    }

    /// The rules of a `define` block in templates/_helpers.tpl (plain YAML, no template actions).
    init(define name: String) throws {
        let text = try RepositoryFile.text("deploy/helm/flowtest/templates/_helpers.tpl")
        guard let start = text.range(of: "{{- define \"\(name)\" -}}"),
            let end = text.range(of: "{{- end -}}", range: start.upperBound..<text.endIndex)
        else { throw ChartRBACError.missingDefine(name) }
        let yaml = String(text[start.upperBound..<end.lowerBound])
        self.rules = try JSONDecoder().decode([Rule].self, from: JSONEncoder().encode(try JSONValue(yaml: yaml)))
    }

    /// Requests these rules would not allow, as "verb group/resource" lines.
    func forbidden(_ requests: [FakeAPIRequest]) -> Set<String> {
        var denied = Set<String>()
        for request in requests {
            guard let group = request.group, let resource = request.resource else { continue }
            let allowed = rules.contains { $0.apiGroups.contains(group) && $0.resources.contains(resource) && $0.verbs.contains(request.verb) }
            if !allowed { denied.insert("\(request.verb) \(group.isEmpty ? "core" : group)/\(resource)") }
        }
        return denied
    }
}
