import FakeKubernetes
import FlowTestShared
import Foundation
import Testing

/// The FlowTestReport kind: its Swift type, its schema (the same as a FlowTest's per-agent
/// status) and its generated CRD.
@Suite("FlowTestReport: type, schema, CRD")
struct FlowTestReportAPITests {
    /// A generator's report with traffic and round trips, as an agent writes it.
    static func generatorReport(started: UInt64 = 40, failed: UInt64 = 2, finished: Bool = false) -> AgentReport {
        var report = AgentReport(startTime: "2026-12-06T01:00:00.250Z", reportTime: "2026-12-06T01:00:10.250Z", finished: finished)
        report.tcp = TrafficCounters()
        report.tcp?.flowsStarted = started / 2
        report.tcp?.flowsFailed = failed
        report.udp = TrafficCounters()
        report.udp?.flowsStarted = started - started / 2
        report.rtt = LatencyHistogram()
        for _ in 0..<99 { report.rtt?.record(nanoseconds: 200_000) }
        report.rtt?.record(nanoseconds: 9_000_000)
        return report
    }

    static func firstReport(
        pod: String = "quick-generator-0", flowTest: String = "quick", uid: String = "0c958154-729f-40f6-a0bd-46f1490d39e2",
        incarnation: String = "0c958154-mi8x2k3a"
    ) -> FlowTestReport {
        FlowTestReport.first(
            pod: pod, namespace: "team", flowTest: flowTest, flowTestUID: uid, role: .generator,
            incarnation: incarnation, report: generatorReport())
    }

    @Test func theCommittedCRDIsTheGeneratedOne() throws {
        let committed = try RepositoryFile.text("deploy/crds/flowtest.dev_flowtestreports.yaml")
        #expect(
            committed == (try FlowTestReportCRD.yaml()),
            "deploy/crds is stale: run `swift run flowtest-controller crd --kind FlowTestReport > deploy/crds/flowtest.dev_flowtestreports.yaml`")
    }

    @Test func theCRDHasWhatKubectlNeeds() throws {
        let crd = FlowTestReportCRD.definition
        #expect(crd["metadata"]?["name"] == "flowtestreports.flowtest.dev")
        #expect(crd["spec"]?["names"]?["kind"] == "FlowTestReport" && crd["spec"]?["names"]?["listKind"] == "FlowTestReportList")
        #expect(crd["spec"]?["names"]?["shortNames"] == ["ftr"])
        #expect(crd["spec"]?["names"]?["categories"] == nil, "kubectl get all must not list every agent's report")
        let version = try #require(crd["spec"]?["versions"]?.array?.first)
        #expect(version["name"]?.string == FlowTest.version)
        #expect(version["subresources"] == nil, "the report is written with the object, in one write")
        let columns = version["additionalPrinterColumns"]?.array?.compactMap { $0["name"]?.string } ?? []
        #expect(columns == ["Role", "Started", "Failed", "P99-ms", "Finished", "Reported", "Incarnation", "FlowTest", "Age"])
        // Every path a column reads exists in the schema, so no column is always empty.
        let schema = try #require(version["schema"]?["openAPIV3Schema"])
        for path in version["additionalPrinterColumns"]?.array?.compactMap({ $0["jsonPath"]?.string }) ?? [] where !path.hasPrefix(".metadata") {
            var node: JSONValue? = schema
            for key in path.split(separator: ".") { node = node?["properties"]?[String(key)] }
            #expect(node != nil, "no schema for printer column \(path)")
        }
    }

    /// An agent's figures validate the same in a report object as in a FlowTest's status.
    @Test func theReportIsTheSchemaOfAFlowTestsAgentEntry() throws {
        let agents = try #require(FlowTestStatus.schema.properties["agents"]?.values?.schema)
        #expect(FlowTestReport.schema.properties["report"]?.openAPI == agents.openAPI)
    }

    @Test func aFirstReportValidatesAndCarriesItsLabelsOwnerAndHeadline() throws {
        let report = Self.firstReport()
        let json = try JSONValue(encoding: report)
        #expect(SchemaValidator.validate(json, against: FlowTestReport.schema, path: "") == [])
        #expect(json["apiVersion"] == "flowtest.dev/v1alpha1" && json["kind"] == "FlowTestReport")
        #expect(report.metadata.labels == ["flowtest.dev/name": "quick", "flowtest.dev/role": "generator"])
        let owner = try #require(report.metadata.ownerReferences?.first)
        #expect(owner.kind == "FlowTest" && owner.name == "quick" && owner.controller == true && owner.blockOwnerDeletion == nil)
        #expect(report.report.incarnations.keys.sorted() == ["0c958154-mi8x2k3a"])
        let latest = try #require(report.latest)
        #expect(latest.flowsStarted == 40 && latest.flowsFailed == 2 && latest.finished == false)
        #expect(latest.rttP99Milliseconds.map { $0 > 0.15 && $0 < 0.25 } == true, "p99 of 99 × 0.2 ms and one 9 ms: \(String(describing: latest.rttP99Milliseconds))")
        #expect(try JSONDecoder().decode(FlowTestReport.self, from: JSONEncoder().encode(report)) == report)
    }

    /// The patch names one incarnation key and the headline, nothing else.
    @Test func aPatchWritesOneIncarnationAndTheHeadline() throws {
        let patch = try FlowTestReport.patch(incarnation: "0c958154-mi8x9zzz", report: Self.generatorReport(started: 60, finished: true))
        guard case .object(let members) = patch else { throw PatchShapeError() }
        #expect(members.keys.sorted() == ["latest", "report"])
        #expect(Self.keys(patch["report"]?["incarnations"]) == ["0c958154-mi8x9zzz"])
        #expect(patch["report"]?["role"] == nil)
        #expect(patch["latest"]?["incarnation"] == "0c958154-mi8x9zzz" && patch["latest"]?["finished"] == true)
    }

    @Test func anEchoHeadlineHasNoFlowFigures() {
        let headline = AgentHeadline(incarnation: "i", report: AgentReport(startTime: "2026-12-06T01:00:00.000Z", reportTime: "2026-12-06T01:00:05.000Z", finished: true))
        #expect(headline.flowsStarted == nil && headline.flowsFailed == nil && headline.rttP99Milliseconds == nil && headline.finished)
    }

    struct PatchShapeError: Error {}

    /// The sorted keys of a JSON object; empty for anything else.
    static func keys(_ value: JSONValue?) -> [String] {
        guard case .object(let members)? = value else { return [] }
        return members.keys.sorted()
    }
}
