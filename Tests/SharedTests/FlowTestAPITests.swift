import FakeKubernetes
import FlowTestShared
import Foundation
import Testing

@Suite("FlowTest API: examples, round trips, the generated CRD")
struct FlowTestAPITests {
    @Test(arguments: try RepositoryFile.examples())
    func everyExampleIsValidAndRoundTripsThroughJSON(path: String) throws {
        let json = try JSONValue(yaml: RepositoryFile.text(path))
        let flowTest = try FlowTest.validated(json).get()
        let encoded = try JSONEncoder().encode(flowTest)
        let decoded = try JSONDecoder().decode(FlowTest.self, from: encoded)
        #expect(decoded == flowTest)
        // The encoded form passes the schema unchanged: nothing the types write is unknown to it.
        let reencoded = try JSONDecoder().decode(JSONValue.self, from: encoded)
        #expect(SchemaValidator.validate(reencoded, against: FlowTest.schema, path: "").isEmpty)
    }

    @Test func thereAreTheExamplesUsersWereTold() throws {
        let examples = try RepositoryFile.examples()
        for name in ["quickstart", "constant-tcp", "random-mixed", "udp-loss", "marking"] {
            #expect(examples.contains("examples/\(name).yaml"))
        }
    }

    @Test func defaultsAreAppliedLikeTheAPIServerDoes() throws {
        let json = try JSONValue(yaml: "apiVersion: flowtest.dev/v1alpha1\nkind: FlowTest\nmetadata: {name: x}\nspec:\n  flows: {rate: 5}\n")
        let flowTest = try FlowTest.validated(json).get()
        #expect(flowTest.spec.flows.protocol == .both)
        #expect(flowTest.spec.flows.maxConcurrent == 100)
        #expect(flowTest.spec.duration == "60s")
        #expect(flowTest.spec.ports == PortsSpec(tcp: [8080], udp: [8080]))
        #expect(flowTest.spec.target.mode == .service)
        #expect(flowTest.spec.cleanupPolicy == .onSuccess)
        #expect(flowTest.spec.echo.replicas == 1 && flowTest.spec.generators.replicas == 1)
    }

    @Test func aFullyPopulatedFlowTestHasNoFieldTheSchemaLacks() throws {
        var spec = FlowTestSpec(flows: FlowsSpec(rate: 10))
        spec.flows.mss = 1400
        spec.flows.seed = 7
        spec.flows.payload = PayloadSpec(minSize: 100, maxSize: 200)
        spec.flowCount = 10
        spec.thresholds = ThresholdsSpec(maxFailedFlowsPercent: 1, maxRTTP99: "5ms", maxUDPLossPercent: 0.5, minFlowsCompleted: 3, minMarkedPercent: 99)
        spec.flows.marking = MarkingSpec(
            dscp: DSCPValue(parsing: "AF41"), scitag: SciTag(experiment: 65, activity: 2), fireflies: FireflySpec(collector: "collector.example:10514"))
        spec.image = ImageSpec(agent: "registry.example/agent:1", pullPolicy: "IfNotPresent")
        spec.target = TargetSpec(mode: .external, host: "echo.example.com", ipFamilies: [.ipv6])
        let placement = PlacementSpec(
            nodeSelector: ["zone": "a"], tolerations: [Toleration(key: "k", operator: "Equal", value: "v", effect: "NoSchedule")],
            affinity: .object(["nodeAffinity": .object([:])]))
        spec.echo = EchoSpec(replicas: 2, placement: placement)
        spec.generators = GeneratorsSpec(replicas: 3, placement: placement, avoidEchoNodes: true)
        var status = FlowTestStatus()
        status.phase = .running
        status.observedGeneration = 2
        status.startTime = "2026-11-21T20:00:00Z"
        status.conditions = [
            FlowTestCondition(type: "Running", status: "True", reason: "GeneratorsStarted", message: "3 generators", lastTransitionTime: "2026-11-21T20:00:00Z", observedGeneration: 2)
        ]
        status.summary = FlowTestSummary()
        status.summary?.marking = MarkingCounts()
        status.summary?.markedPercent = 100
        var report = AgentReport(startTime: "2026-11-21T20:00:00.250Z", reportTime: "2026-11-21T20:00:10.250Z", finished: false)
        report.tcp = TrafficCounters()
        report.udp = TrafficCounters()
        report.rtt = LatencyHistogram()
        report.rtt?.record(nanoseconds: 50_000)
        report.marking = MarkingCounts()
        status.agents = ["ft-generator-0": AgentStatus(role: .generator, incarnations: ["0c958154-mi8x2k3a": report])]
        let flowTest = FlowTest(metadata: ObjectMeta(name: "full", namespace: "default"), spec: spec, status: status)
        let json = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(flowTest))
        #expect(SchemaValidator.validate(json, against: FlowTest.schema, path: "") == [])
    }

    @Test func theCommittedCRDIsTheGeneratedOne() throws {
        let committed = try RepositoryFile.text("deploy/crds/flowtest.dev_flowtests.yaml")
        #expect(committed == (try FlowTestCRD.yaml()), "deploy/crds is stale: run `swift run flowtest-controller crd > deploy/crds/flowtest.dev_flowtests.yaml`")
    }

    @Test func theCommittedFieldReferenceIsTheGeneratedOne() throws {
        let committed = try RepositoryFile.text("docs/flowtest-fields.md")
        #expect(committed == FlowTestFieldReference.markdown(), "docs/flowtest-fields.md is stale: run `\(FlowTestFieldReference.command)`")
    }

    /// Walks the CRD itself, not the schema the reference is rendered from: a field the renderer
    /// skipped (in an array of objects, in a map) or a rule it left out is found.
    @Test func theFieldReferenceHasEveryFieldAndRuleOfTheCRD() throws {
        let reference = FlowTestFieldReference.markdown()
        let root = try #require(FlowTestCRD.definition["spec"]?["versions"]?.array?.first?["schema"]?["openAPIV3Schema"])
        func fields(_ node: JSONValue, _ path: String) -> [(String, JSONValue)] {
            var found: [(String, JSONValue)] = []
            if case .object(let members)? = node["properties"] {
                for (name, field) in members {
                    let fieldPath = path.isEmpty ? name : "\(path).\(name)"
                    found.append((fieldPath, field))
                    found += fields(field, fieldPath)
                }
            }
            if let items = node["items"] { found += fields(items, path + "[]") }
            if let values = node["additionalProperties"] { found += fields(values, path + ".<key>") }
            return found
        }
        let all = fields(root, "")
        let fieldRows = try #require(reference.components(separatedBy: "\n## Rules").first).split(separator: "\n")
        #expect(all.count > 150, "the walk must reach the nested fields (\(all.count))")
        for (path, field) in all {
            let row = fieldRows.first { $0.hasPrefix("| `\(path)` |") }
            #expect(row != nil, "no row for \(path)")
            if let row, let value = field["default"]?.string { #expect(row.contains("`\(value)`"), "\(path): default \(value)") }
            if let row, let values = field["enum"]?.array?.compactMap(\.string) {
                #expect(values.allSatisfy { row.contains("`\($0)`") }, "\(path): \(values)")
            }
            if let row, let minimum = field["minimum"]?.number { #expect(row.contains(String(Int64(minimum))), "\(path): minimum") }
        }
        for (path, node) in [("(the object)", root)] + all {
            for rule in node["x-kubernetes-validations"]?.array ?? [] {
                let message = try #require(rule["message"]?.string)
                #expect(reference.contains(message.replacingOccurrences(of: "|", with: "\\|")), "\(path): rule \(message)")
            }
        }
        #expect(reference.contains("`.status.summary.rttP99Milliseconds`"), "the printer columns")
    }

    @Test func theCRDHasWhatKubectlNeeds() throws {
        let crd = FlowTestCRD.definition
        let version = crd["spec"]?["versions"]?.array?.first
        #expect(crd["spec"]?["names"]?["shortNames"] == ["ft"])
        #expect(version?["subresources"]?["status"] == .object([:]))
        let columns = version?["additionalPrinterColumns"]?.array?.compactMap { $0["name"]?.string } ?? []
        #expect(columns == ["Phase", "Protocol", "Rate", "Completed", "Failed", "P99-ms", "Outage-ms", "Loss-%", "Pattern", "Age"])
        // Every field has a description, so `kubectl explain` reads well.
        func undescribed(_ node: JSONValue, _ path: String) -> [String] {
            guard case .object(let members) = node else { return [] }
            var missing: [String] = []
            if let properties = members["properties"], case .object(let fields) = properties {
                for (name, field) in fields {
                    let fieldPath = path + "." + name
                    if field["description"] == nil, fieldPath != ".metadata" { missing.append(fieldPath) }
                    missing += undescribed(field, fieldPath)
                }
            }
            if let items = members["items"] { missing += undescribed(items, path + "[]") }
            return missing
        }
        #expect(undescribed(version!["schema"]!["openAPIV3Schema"]!, "") == [])
    }
}
