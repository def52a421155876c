import FakeKubernetes
import FlowTestShared
import Foundation
import Testing

@testable import FlowTestController

/// The chart's ValidatingAdmissionPolicy: an agent may write only the FlowTestReport named after
/// its own pod. Its CEL is read from the chart's template and run by cel-python (a real CEL
/// implementation) on admission requests shaped as kube-apiserver builds them.
@Suite("Report policy: an agent writes only its own report")
struct ReportPolicyTests {
    static let template = "deploy/helm/flowtest/templates/report-policy.yaml"

    /// The template's documents with Helm's actions taken out (template comments, lines that
    /// are only an action, inline actions as a placeholder name): what Helm renders, less labels.
    static func documents() throws -> [JSONValue] {
        var text = try RepositoryFile.text(template)
        text = text.replacingOccurrences(of: #"\{\{-? */\*[\s\S]*?\*/ *-?\}\}"#, with: "", options: .regularExpression)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).filter {
            !$0.trimmingCharacters(in: .whitespaces).hasPrefix("{{")
        }
        let rendered = lines.joined(separator: "\n").replacingOccurrences(of: #"\{\{[^}]*\}\}"#, with: "flowtest", options: .regularExpression)
        return try rendered.components(separatedBy: "\n---\n").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            .map { try JSONValue(yaml: $0) }
    }

    /// An admission request as kube-apiserver hands it to a policy (`request` and `object`).
    static func bindings(user: String, extra: [String: [String]]?, writing report: String, operation: String = "CREATE") -> JSONValue {
        var userInfo: [String: JSONValue] = ["username": .string(user), "groups": ["system:serviceaccounts", "system:authenticated"]]
        if let extra { userInfo["extra"] = .object(extra.mapValues { .array($0.map(JSONValue.string)) }) }
        return .object([
            "request": .object([
                "operation": .string(operation), "namespace": "team", "name": .string(report), "userInfo": .object(userInfo),
                "resource": .object(["group": "flowtest.dev", "version": "v1alpha1", "resource": "flowtestreports"]),
            ]),
            "object": .object(["apiVersion": "flowtest.dev/v1alpha1", "kind": "FlowTestReport", "metadata": .object(["name": .string(report), "namespace": "team"])]),
        ])
    }

    static let agent = "system:serviceaccount:team:\(ChildNames.agentServiceAccount)"
    static let podName = "authentication.kubernetes.io/pod-name"

    @Test func thePolicyMatchesAgentWritesOfReportsAndIsBoundToDeny() throws {
        let documents = try Self.documents()
        let policy = try #require(documents.first { $0["kind"] == "ValidatingAdmissionPolicy" })
        let binding = try #require(documents.first { $0["kind"] == "ValidatingAdmissionPolicyBinding" })
        #expect(policy["apiVersion"] == "admissionregistration.k8s.io/v1" && binding["apiVersion"] == "admissionregistration.k8s.io/v1")
        #expect(binding["spec"]?["policyName"] == policy["metadata"]?["name"] && binding["spec"]?["validationActions"] == ["Deny"])
        #expect(policy["spec"]?["failurePolicy"] == "Fail")
        let rule = try #require(policy["spec"]?["matchConstraints"]?["resourceRules"]?.array?.first)
        #expect(rule["apiGroups"] == [.string(FlowTest.group)] && rule["operations"] == ["CREATE", "UPDATE"], "a merge patch arrives as UPDATE")
        #expect(rule["resources"]?.array?.contains(.string(FlowTestReport.plural)) == true)
    }

    /// Each case both ways: who is matched, and of those, who may write.
    @Test func celDecidesAsIntended() async throws {
        let policy = try #require(try Self.documents().first { $0["kind"] == "ValidatingAdmissionPolicy" })
        let match = try #require(policy["spec"]?["matchConditions"]?.array?.first?["expression"]?.string)
        let validation = try #require(policy["spec"]?["validations"]?.array?.first)
        let allowed = try #require(validation["expression"]?.string)
        let message = try #require(validation["messageExpression"]?.string)
        var cases: [JSONValue] = []
        func expect(_ cel: String, _ bindings: JSONValue, _ outcome: JSONValue) {
            cases.append(.object(["cel": .string(cel), "bindings": bindings, "expect": outcome]))
        }
        let own = Self.bindings(user: Self.agent, extra: [Self.podName: ["quick-generator-0"], "authentication.kubernetes.io/pod-uid": ["u"]], writing: "quick-generator-0")
        let another = Self.bindings(user: Self.agent, extra: [Self.podName: ["quick-generator-1"]], writing: "quick-generator-0", operation: "UPDATE")
        let noExtra = Self.bindings(user: Self.agent, extra: nil, writing: "quick-generator-0")
        let noPodName = Self.bindings(user: Self.agent, extra: ["authentication.kubernetes.io/pod-uid": ["u"]], writing: "quick-generator-0")
        let twoNames = Self.bindings(user: Self.agent, extra: [Self.podName: ["quick-generator-0", "quick-generator-1"]], writing: "quick-generator-0")
        // An agent writing its own report: matched and allowed, on create and on patch.
        expect(match, own, true)
        expect(allowed, own, true)
        expect(allowed, Self.bindings(user: Self.agent, extra: [Self.podName: ["quick-echo-0"]], writing: "quick-echo-0", operation: "UPDATE"), true)
        // Another pod's report, or a token that names no pod (or not one pod): refused.
        expect(match, another, true)
        expect(allowed, another, false)
        expect(message, another, "agent pod quick-generator-1 may write only the FlowTestReport named after it, not quick-generator-0")
        expect(allowed, noExtra, false)
        expect(allowed, noPodName, false)
        expect(allowed, twoNames, false)
        // The controller's own service account, a user and another namespace's agents are not matched.
        expect(match, Self.bindings(user: "system:serviceaccount:flowtest:flowtest-controller", extra: [Self.podName: ["flowtest-controller-7d9c-x"]], writing: "quick-generator-0"), false)
        expect(match, Self.bindings(user: "kubernetes-admin", extra: nil, writing: "quick-generator-0"), false)
        expect(match, Self.bindings(user: "system:serviceaccount:other:flowtest-agent", extra: [Self.podName: ["x"]], writing: "quick-generator-0"), false)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("policy-cases-\(UUID().uuidString).json")
        try JSONEncoder().encode(JSONValue.array(cases)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await AgentProcess.runTool("python3", [RepositoryFile.root.appendingPathComponent("scripts/cel-check.py").path, file.path])
        #expect(result.code == 0, "\(result.out) \(result.err)")
        #expect(result.out.contains("\(cases.count) cases, 0 disagreements"), "\(result.out)")
    }
}
