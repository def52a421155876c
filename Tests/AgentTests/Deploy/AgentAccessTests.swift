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
        ]
        #expect(agent.forbidden(allowed).isEmpty)
        let refused = [
            request("GET", reports.path(namespace: "team")), request("GET", reports.path(namespace: "team"), watch: true),
            request("PUT", reports.path(namespace: "team", name: "quick-generator-0")),
            request("DELETE", reports.path(namespace: "team", name: "quick-generator-0")),
            request("PATCH", ResourceKind.flowTests.path(namespace: "team", name: "quick")),
            // Agents write their own objects only: the FlowTest's status is the controller's.
            request("PATCH", ResourceKind.flowTests.path(namespace: "team", name: "quick", subresource: "status")),
            request("GET", ResourceKind.pods.path(namespace: "team", name: "quick-generator-0")),
        ]
        #expect(agent.forbidden(refused) == [
            "list flowtest.dev/flowtestreports", "watch flowtest.dev/flowtestreports", "update flowtest.dev/flowtestreports",
            "delete flowtest.dev/flowtestreports", "patch flowtest.dev/flowtests", "patch flowtest.dev/flowtests/status", "get core/pods",
        ])
    }

    /// A namespace whose agents' Role an older controller made (flowtests/status only) gets the
    /// current rules, with one GET and one PUT, once per controller process.
    @Test func anOlderAgentRoleGetsTheCurrentRulesOnce() async throws {
        let server = try await FakeAPIServer.start()
        let chart = try ChartRBAC(define: "flowtest.controllerRules").rules
        server.store.grant(token: "c", user: Self.controller, rules: chart.map { FakePolicyRule(apiGroups: $0.apiGroups, resources: $0.resources, verbs: $0.verbs) })
        let user = KubernetesClient(configuration: server.configuration(token: .fixed("user")), retry: .init(attempts: 1))
        let controller = KubernetesClient(configuration: server.configuration(token: .fixed("c")), retry: .init(attempts: 1))
        do {
            var old = AgentAccess.role(namespace: "team")
            old = old.setting("rules", [.object(["apiGroups": ["flowtest.dev"], "resources": ["flowtests/status"], "verbs": ["get", "patch"]])])
            let _: JSONValue = try await user.create(.roles, namespace: "team", old)
            let check = AgentRoleCheck()
            for _ in 0..<3 { try await check.ensure(AgentAccess.role(namespace: "team"), namespace: "team", client: controller) }
            let role = try #require(server.store.object(.roles, namespace: "team", name: ChildNames.agentRole))
            #expect(role["rules"] == AgentAccess.role(namespace: "team")["rules"])
            let requests = server.store.requests.filter { $0.authorization == "Bearer c" }.map { "\($0.verb) \($0.resource ?? "")" }
            #expect(requests == ["create roles", "get roles", "update roles", "create roles", "create roles"])
            #expect(try ChartRBAC(define: "flowtest.controllerRules").forbidden(server.store.requests.filter { $0.authorization == "Bearer c" }).isEmpty)
            // A namespace whose Role is current is read once and left alone.
            let _: JSONValue = try await user.create(.roles, namespace: "fresh", AgentAccess.role(namespace: "fresh"))
            try await check.ensure(AgentAccess.role(namespace: "fresh"), namespace: "fresh", client: controller)
            #expect(server.store.requests.filter { $0.authorization == "Bearer c" && $0.path.contains("/fresh/") }.map(\.verb) == ["create", "get"])
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// A controller that does not hold what the agents' Role grants cannot update it either.
    @Test func updatingTheRoleIsCheckedForEscalationToo() async throws {
        let server = try await FakeAPIServer.start()
        let lacking = try ChartRBAC(define: "flowtest.controllerRules").rules.filter { $0.resources != ["flowtestreports"] }
        server.store.grant(token: "c", user: Self.controller, rules: lacking.map { FakePolicyRule(apiGroups: $0.apiGroups, resources: $0.resources, verbs: $0.verbs) })
        let user = KubernetesClient(configuration: server.configuration(token: .fixed("user")), retry: .init(attempts: 1))
        let controller = KubernetesClient(configuration: server.configuration(token: .fixed("c")), retry: .init(attempts: 1))
        var old = AgentAccess.role(namespace: "team")
        old = old.setting("rules", [.object(["apiGroups": ["flowtest.dev"], "resources": ["flowtests/status"], "verbs": ["get", "patch"]])])
        let stored: JSONValue = try await user.create(.roles, namespace: "team", old)
        let updated = stored.setting("rules", AgentAccess.role(namespace: "team")["rules"])
        var refusal = "the update was allowed"
        do {
            let _: JSONValue = try await controller.replace(.roles, namespace: "team", name: ChildNames.agentRole, updated)
        } catch {
            refusal = "\(error)"
        }
        #expect(refusal.contains("is attempting to grant RBAC permissions not currently held") && refusal.contains("flowtestreports"), "\(refusal)")
        #expect(server.store.object(.roles, namespace: "team", name: ChildNames.agentRole)?["rules"] == old["rules"])
        await server.stop()
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
