import FakeKubernetes
import FlowTestShared
import Foundation
import Testing

/// The Helm chart, checked by the real Helm library (helm-sdkpy) and Prometheus's promtool.
@Suite("Helm chart: lint, alert rules, CRD", .serialized)
struct HelmChartTests {
    static let chart = RepositoryFile.root.appendingPathComponent("deploy/helm/flowtest").path

    /// Every switch on, the values a careful user would set.
    static let everything = """
        {"controller": {"replicas": 2, "watchNamespaces": ["team-a", "team-b"], "tolerations": [{"key": "k", "operator": "Exists"}]},
         "agent": {"tolerations": [{"key": "dedicated", "operator": "Equal", "value": "net", "effect": "NoSchedule"}]},
         "serviceMonitor": {"enabled": true}, "podMonitor": {"enabled": true}, "prometheusRule": {"enabled": true},
         "dashboards": {"enabled": true, "namespace": "monitoring"}}
        """

    static func lint(_ values: String? = nil) async throws -> (code: Int32, out: String, err: String) {
        try await AgentProcess.runTool("python3", [RepositoryFile.root.appendingPathComponent("scripts/helm-lint.py").path, chart] + (values.map { [$0] } ?? []))
    }

    @Test func defaultValuesPassHelmLint() async throws {
        let result = try await Self.lint()
        #expect(result.code == 0, "helm lint: \(result.out) \(result.err)")
    }

    @Test func everySwitchOnPassesHelmLint() async throws {
        let result = try await Self.lint(Self.everything)
        #expect(result.code == 0, "helm lint: \(result.out) \(result.err)")
    }

    /// Clusters older than 1.30 (no ValidatingAdmissionPolicy in v1) install without the policy.
    @Test func theReportPolicyCanBeTurnedOff() async throws {
        let result = try await Self.lint(#"{"reportPolicy": {"enabled": false}}"#)
        #expect(result.code == 0, "helm lint: \(result.out) \(result.err)")
    }

    /// values.schema.json is enforced: lint fails on a wrong value and on a misspelt key.
    @Test(arguments: [#"{"controller": {"logFormat": "xml"}}"#, #"{"controller": {"replicas": 0}}"#, #"{"podMonitor": {"enable": true}}"#,
        #"{"agent": {"resources": {"requests": {"memory": "lots"}}}}"#, #"{"reportPolicy": {"enable": false}}"#])
    func badValuesFailHelmLint(values: String) async throws {
        let result = try await Self.lint(values)
        #expect(result.code == 1, "helm lint accepted \(values): \(result.out) \(result.err)")
        #expect(result.out.contains("ERROR: values.yaml"))
    }

    /// The chart ships the generated CRDs themselves (links), never copies that could drift.
    @Test(arguments: ["flowtest.dev_flowtests.yaml", "flowtest.dev_flowtestreports.yaml"])
    func chartCRDIsTheGeneratedOne(file: String) throws {
        let link = Self.chart + "/crds/" + file
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: link)
        #expect(target == "../../../crds/" + file)
        #expect(try String(contentsOfFile: link, encoding: .utf8) == RepositoryFile.text("deploy/crds/" + file))
    }

    /// Every CRD the chart ships is one the repository generates, and the other way round.
    @Test func chartShipsEveryCRD() throws {
        let shipped = try FileManager.default.contentsOfDirectory(atPath: Self.chart + "/crds").sorted()
        let generated = try FileManager.default.contentsOfDirectory(atPath: RepositoryFile.root.appendingPathComponent("deploy/crds").path).sorted()
        #expect(shipped == generated && shipped.count == 2)
        // CI compares each with the binary's output, so a stale one fails there too.
        let ci = try RepositoryFile.text(".ci/run")
        for file in generated {
            #expect(ci.contains("| cmp - deploy/crds/\(file)\n"), ".ci/run must cmp `flowtest-controller crd` output with deploy/crds/\(file)")
        }
    }

    @Test func alertRulesAreValidAndTheirUnitTestsPass() async throws {
        let rules = Self.chart + "/rules"
        let check = try await AgentProcess.runTool("promtool", ["check", "rules", rules + "/flowtest.rules.yaml"])
        #expect(check.code == 0, "promtool check rules: \(check.out) \(check.err)")
        let test = try await AgentProcess.runTool("promtool", ["test", "rules", rules + "/flowtest.rules.test.yaml"])
        #expect(test.code == 0, "promtool test rules: \(test.out) \(test.err)")
    }
}
