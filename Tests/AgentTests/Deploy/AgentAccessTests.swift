import FlowTestShared
import Foundation
import Testing

@testable import FakeKubernetes
@testable import FlowTestController

/// The agents' Role and the chart's RBAC around it: the controller may grant what the Role
/// grants (kube-apiserver refuses an escalation with 403, and so does the fake), agents may write
/// their reports and nothing more, and namespace users may read reports but not write them.
@Suite("Chart RBAC: the agents' access to reports")
struct AgentAccessTests {
    static let controller = "system:serviceaccount:flowtest:flowtest-controller"

    /// Creates the agents' Role and RoleBinding as a controller holding `rules`.
    static func grantAgentAccess(holding rules: [ChartRBAC.Rule]) throws -> [Int] {
        let store = FakeAPIStore()
        store.grant(token: "c", user: controller, rules: rules.map { FakePolicyRule(apiGroups: $0.apiGroups, resources: $0.resources, verbs: $0.verbs) })
        return try [(ResourceKind.roles, AgentAccess.role(namespace: "team")), (.roleBindings, AgentAccess.roleBinding(namespace: "team"))].map { kind, object in
            let response = store.handle(
                method: "POST", path: kind.path(namespace: "team"), query: [:], headers: ["authorization": "Bearer c", "content-type": "application/json"],
                body: try JSONEncoder().encode(object))
            guard case .full(let status, _, _) = response else { return 0 }
            return status
        }
    }

    @Test func theChartsControllerMayGrantTheAgentsRole() throws {
        let chart = try ChartRBAC(define: "flowtest.controllerRules").rules
        #expect(try Self.grantAgentAccess(holding: chart) == [201, 201])
        // Without create on reports the controller could not grant it: the check can fail.
        let lacking = chart.map { rule in
            ChartRBAC.Rule(apiGroups: rule.apiGroups, resources: rule.resources, verbs: rule.resources == ["flowtestreports"] ? rule.verbs.filter { $0 != "create" } : rule.verbs)
        }
        #expect(try Self.grantAgentAccess(holding: lacking) == [403, 201])
    }

    @Test func agentsMayWriteTheirReportsAndNothingElse() throws {
        let role = AgentAccess.role(namespace: "team")
        let rules = try JSONDecoder().decode([ChartRBAC.Rule].self, from: JSONEncoder().encode(role["rules"]))
        let agent = ChartRBAC(rules: rules)
        let reports = ResourceKind.flowTestReports
        func request(_ method: String, _ path: String, watch: Bool = false) -> FakeAPIRequest {
            FakeAPIRequest(method: method, path: path, authorization: nil, isWatch: watch)
        }
        let allowed = [
            request("POST", reports.path(namespace: "team")), request("GET", reports.path(namespace: "team", name: "quick-generator-0")),
            request("PATCH", reports.path(namespace: "team", name: "quick-generator-0")),
            // Kept until agents have moved to reports.
            request("PATCH", ResourceKind.flowTests.path(namespace: "team", name: "quick", subresource: "status")),
        ]
        #expect(agent.forbidden(allowed).isEmpty)
        let refused = [
            request("GET", reports.path(namespace: "team")), request("GET", reports.path(namespace: "team"), watch: true),
            request("PUT", reports.path(namespace: "team", name: "quick-generator-0")),
            request("DELETE", reports.path(namespace: "team", name: "quick-generator-0")),
            request("PATCH", ResourceKind.flowTests.path(namespace: "team", name: "quick")),
            request("GET", ResourceKind.pods.path(namespace: "team", name: "quick-generator-0")),
        ]
        #expect(agent.forbidden(refused) == [
            "list flowtest.dev/flowtestreports", "watch flowtest.dev/flowtestreports", "update flowtest.dev/flowtestreports",
            "delete flowtest.dev/flowtestreports", "patch flowtest.dev/flowtests", "get core/pods",
        ])
    }

    /// The ClusterRoles aggregated into edit and view (templates/rbac.yaml), Helm's actions taken out.
    static func aggregatedRules(_ suffix: String) throws -> [ChartRBAC.Rule] {
        var text = try RepositoryFile.text("deploy/helm/flowtest/templates/rbac.yaml")
        text = text.replacingOccurrences(of: #"\{\{-? */\*[\s\S]*?\*/ *-?\}\}"#, with: "", options: .regularExpression)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("{{") }
        let rendered = lines.joined(separator: "\n").replacingOccurrences(of: #"\{\{[^}]*\}\}"#, with: "flowtest", options: .regularExpression)
        for document in rendered.components(separatedBy: "\n---\n") where document.contains("kind: ClusterRole\n") {
            let role = try JSONValue(yaml: document)
            if role["metadata"]?["name"]?.string == "flowtest-\(suffix)" {
                return try JSONDecoder().decode([ChartRBAC.Rule].self, from: JSONEncoder().encode(role["rules"]))
            }
        }
        throw ChartRBACError.missingDefine("ClusterRole flowtest-\(suffix)")
    }

    @Test(arguments: ["edit", "view"])
    func namespaceUsersReadReportsButNeverWriteThem(role: String) throws {
        let rules = try Self.aggregatedRules(role)
        let verbs = Set(rules.filter { $0.resources.contains("flowtestreports") }.flatMap(\.verbs))
        #expect(verbs == ["get", "list", "watch"])
    }
}
