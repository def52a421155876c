import FlowTestShared
import Foundation
import Synchronization
import Testing
@testable import FakeKubernetes

/// The fake API server serves FlowTestReports as kube-apiserver serves a custom resource: the
/// recorded responses for FlowTests (shared/kube-apiserver-fixtures) hold for any custom kind,
/// with its own names, schema and no status subresource.
@Suite("Fake API server: FlowTestReports", .serialized)
struct FakeFlowTestReportTests {
    static let collection = "/apis/flowtest.dev/v1alpha1/namespaces/team/flowtestreports"

    static func body(_ value: some Encodable) throws -> Data {
        try JSONEncoder().encode(value)
    }

    /// One request straight to the store: the status code and the JSON body.
    static func send(
        _ store: FakeAPIStore, _ method: String, _ path: String, _ body: Data = Data(), contentType: String = "application/json",
        query: [String: String] = [:], accept: String? = nil
    ) throws -> (status: Int, body: JSONValue) {
        var headers = ["content-type": contentType]
        headers["accept"] = accept
        guard case .full(let status, let data, _) = store.handle(method: method, path: path, query: query, headers: headers, body: body) else {
            throw NotAFullResponse()
        }
        return (status, try JSONDecoder().decode(JSONValue.self, from: data))
    }

    struct NotAFullResponse: Error {}

    /// Creates the FlowTest `name` in `namespace` and returns its uid: a report whose owner does
    /// not exist is garbage-collected at once, as on a real cluster.
    static func owner(_ store: FakeAPIStore, _ name: String = "quick", namespace: String = "team") throws -> String {
        let body = Data(#"{"apiVersion":"flowtest.dev/v1alpha1","kind":"FlowTest","metadata":{"name":"\#(name)"},"spec":{"flows":{"rate":10}}}"#.utf8)
        let created = try send(store, "POST", "/apis/flowtest.dev/v1alpha1/namespaces/\(namespace)/flowtests", body)
        guard let uid = created.body["metadata"]?["uid"]?.string else { throw NotAFullResponse() }
        return uid
    }

    /// `owner`, through the client.
    static func owner(_ client: KubernetesClient, _ name: String = "quick", namespace: String = "team") async throws -> String {
        let created = try await client.create(.flowTests, namespace: namespace, FlowTest(metadata: ObjectMeta(name: name), spec: FlowTestSpec(flows: FlowsSpec(rate: 10))))
        return created.metadata.uid ?? ""
    }

    private func withServer(_ body: (FakeAPIServer, KubernetesClient) async throws -> Void) async throws {
        let server = try await FakeAPIServer.start()
        let client = KubernetesClient(configuration: server.configuration(namespace: "team"), retry: .init(attempts: 2, initialBackoff: .milliseconds(20)))
        do { try await body(server, client) } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func createGetAndAlreadyExistsAsForAnyCustomResource() throws {
        let store = FakeAPIStore()
        let report = FlowTestReportAPITests.firstReport(uid: try Self.owner(store))
        let created = try Self.send(store, "POST", Self.collection, Self.body(report))
        #expect(created.status == 201)
        // Fixture 03: uid, a string resourceVersion, generation 1, creationTimestamp; the body's fields kept.
        let metadata = try #require(created.body["metadata"])
        #expect(metadata["uid"]?.string?.isEmpty == false && metadata["resourceVersion"]?.string.flatMap(Int.init) != nil)
        #expect(metadata["generation"] == 1 && metadata["creationTimestamp"]?.string != nil && metadata["namespace"] == "team")
        #expect(metadata["labels"]?["flowtest.dev/name"] == "quick" && metadata["ownerReferences"]?.array?.first?["kind"] == "FlowTest")
        #expect(created.body["report"] == (try JSONValue(encoding: report.report)))
        #expect(created.body["latest"]?["flowsStarted"] == 40)
        let fetched = try Self.send(store, "GET", Self.collection + "/quick-generator-0")
        #expect(fetched.status == 200 && fetched.body == created.body)
        // Fixture 04, with this kind's names.
        let again = try Self.send(store, "POST", Self.collection, Self.body(report))
        #expect(again.status == 409)
        #expect(again.body == .object([
            "kind": "Status", "apiVersion": "v1", "metadata": .object([:]), "status": "Failure",
            "message": #"flowtestreports.flowtest.dev "quick-generator-0" already exists"#, "reason": "AlreadyExists",
            "details": .object(["name": "quick-generator-0", "group": "flowtest.dev", "kind": "flowtestreports"]), "code": 409,
        ]))
        // Fixtures 17 and 19: a PUT needs the current resourceVersion, as for any custom resource.
        var replacement = created.body
        replacement = replacement.applyingMergePatch(.object(["metadata": .object(["resourceVersion": .null])]))
        let unversioned = try Self.send(store, "PUT", Self.collection + "/quick-generator-0", JSONEncoder().encode(replacement))
        #expect(unversioned.status == 422 && unversioned.body["details"]?["causes"]?.array?.first?["field"] == "metadata.resourceVersion")
        replacement = replacement.applyingMergePatch(.object(["metadata": .object(["resourceVersion": "1"]), "latest": .object(["finished": true])]))
        let stale = try Self.send(store, "PUT", Self.collection + "/quick-generator-0", JSONEncoder().encode(replacement))
        #expect(stale.status == 409 && stale.body["reason"] == "Conflict")
        // Fixture 05.
        let missing = try Self.send(store, "GET", Self.collection + "/quick-generator-9")
        #expect(missing.status == 404 && missing.body["message"] == #"flowtestreports.flowtest.dev "quick-generator-9" not found"#)
    }

    /// Fixture 06: one cause per bad field, with its path, and the kind's name in the message.
    @Test func anInvalidReportIsRefusedWith422AndFieldPaths() throws {
        let store = FakeAPIStore()
        var report = try JSONValue(encoding: FlowTestReportAPITests.firstReport(uid: try Self.owner(store)))
        report = report.applyingMergePatch(.object([
            "report": .object(["role": "router", "incarnations": .object(["0c958154-mi8x2k3a": .object(["finished": "yes"])])])
        ]))
        let refused = try Self.send(store, "POST", Self.collection, JSONEncoder().encode(report))
        #expect(refused.status == 422)
        #expect(refused.body["reason"] == "Invalid" && refused.body["code"] == 422 && refused.body["status"] == "Failure")
        #expect(refused.body["details"]?["kind"] == "FlowTestReport" && refused.body["details"]?["group"] == "flowtest.dev")
        #expect(refused.body["details"]?["name"] == "quick-generator-0")
        let fields = Set(refused.body["details"]?["causes"]?.array?.compactMap { $0["field"]?.string } ?? [])
        #expect(fields == ["report.role", "report.incarnations.0c958154-mi8x2k3a.finished"], "\(refused.body)")
        let message = refused.body["message"]?.string ?? ""
        #expect(message.hasPrefix(#"FlowTestReport.flowtest.dev "quick-generator-0" is invalid: ["#), "\(message)")
        #expect(message.contains(#"report.role: Unsupported value: "router": supported values: "echo", "generator""#))
        #expect(message.contains(#"in body must be of type boolean: "string""#))
        #expect(store.object(.flowTestReports, namespace: "team", name: "quick-generator-0") == nil)
        // Without its report at all.
        let empty = try Self.send(store, "POST", Self.collection, Data(#"{"apiVersion":"flowtest.dev/v1alpha1","kind":"FlowTestReport","metadata":{"name":"e"}}"#.utf8))
        #expect(empty.status == 422 && empty.body["details"]?["causes"]?.array?.first?["field"] == "report")
    }

    /// What makes per-agent objects safe under restarts: each process patches its own
    /// incarnation key, and the others' keys stay (fixtures 24-25 for a FlowTest's status).
    @Test func aMergePatchOfOneIncarnationKeepsTheOthers() async throws {
        try await withServer { server, client in
            let uid = try await Self.owner(client)
            let created = try await client.create(.flowTestReports, namespace: "team", FlowTestReportAPITests.firstReport(uid: uid))
            let patch = try FlowTestReport.patch(incarnation: "0c958154-mi8x9zzz", report: FlowTestReportAPITests.generatorReport(started: 60))
            let patched: FlowTestReport = try await client.mergePatch(.flowTestReports, namespace: "team", name: "quick-generator-0", patch)
            #expect(patched.report.incarnations.keys.sorted() == ["0c958154-mi8x2k3a", "0c958154-mi8x9zzz"])
            #expect(patched.report.incarnations["0c958154-mi8x2k3a"] == created.report.incarnations["0c958154-mi8x2k3a"])
            #expect(patched.report.role == .generator && patched.latest?.incarnation == "0c958154-mi8x9zzz")
            // Without a status subresource every change of content bumps the generation.
            #expect(patched.metadata.generation == 2)
            #expect(Int(patched.metadata.resourceVersion ?? "") ?? 0 > Int(created.metadata.resourceVersion ?? "") ?? .max)
            // Fixture 23: the same report again is a no-op and keeps the resourceVersion.
            let again: FlowTestReport = try await client.mergePatch(.flowTestReports, namespace: "team", name: "quick-generator-0", patch)
            #expect(again.metadata.resourceVersion == patched.metadata.resourceVersion && again.metadata.generation == 2)
            // Processes patching at once never lose each other's keys.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        let patch = try FlowTestReport.patch(incarnation: "p-\(index)", report: FlowTestReportAPITests.generatorReport(started: UInt64(index)))
                        let _: FlowTestReport = try await client.mergePatch(.flowTestReports, namespace: "team", name: "quick-generator-0", patch)
                    }
                }
                try await group.waitForAll()
            }
            let final: FlowTestReport = try await client.get(.flowTestReports, namespace: "team", name: "quick-generator-0")
            #expect(final.report.incarnations.count == 8)
            // A bad report is refused and changes nothing.
            await #expect(throws: KubernetesError.self) {
                let _: FlowTestReport = try await client.mergePatch(
                    .flowTestReports, namespace: "team", name: "quick-generator-0",
                    .object(["report": .object(["incarnations": .object(["bad": .object(["startTime": 5])])])]))
            }
            let unchanged: FlowTestReport = try await client.get(.flowTestReports, namespace: "team", name: "quick-generator-0")
            #expect(unchanged == final)
            // No status subresource: /status is not an endpoint of this kind.
            await #expect(throws: KubernetesError.notFound(message: "the server could not find the requested resource")) {
                let _: JSONValue = try await client.mergePatch(.flowTestReports, namespace: "team", name: "quick-generator-0", patch, subresource: "status")
            }
            _ = server
        }
    }

    /// `kubectl get flowtestreports -l flowtest.dev/name=NAME`, across namespaces and roles.
    @Test func listsSelectByLabelAndNamespace() async throws {
        try await withServer { _, client in
            var uids: [String: String] = [:]
            for (namespace, flowTest) in [("team", "a"), ("team", "b"), ("other", "a")] {
                uids["\(namespace)/\(flowTest)"] = try await Self.owner(client, flowTest, namespace: namespace)
            }
            for (namespace, flowTest, pod) in [("team", "a", "a-generator-0"), ("team", "a", "a-generator-1"), ("team", "b", "b-generator-0"), ("other", "a", "a-generator-0")] {
                let report = FlowTestReport.first(
                    pod: pod, namespace: namespace, flowTest: flowTest, flowTestUID: uids["\(namespace)/\(flowTest)"] ?? "", role: .generator, incarnation: "i",
                    report: FlowTestReportAPITests.generatorReport())
                _ = try await client.create(.flowTestReports, namespace: namespace, report)
            }
            var echo = FlowTestReportAPITests.firstReport(pod: "a-echo-0", flowTest: "a", uid: uids["team/a"] ?? "")
            echo.metadata.labels?["flowtest.dev/role"] = "echo"
            echo.report.role = .echo
            _ = try await client.create(.flowTestReports, namespace: "team", echo)
            let ofA: ListPage<FlowTestReport> = try await client.list(.flowTestReports, namespace: "team", labelSelector: "flowtest.dev/name=a")
            #expect(ofA.items.compactMap(\.metadata.name) == ["a-echo-0", "a-generator-0", "a-generator-1"])
            let generatorsOfA: ListPage<FlowTestReport> = try await client.list(
                .flowTestReports, namespace: "team", labelSelector: "flowtest.dev/name=a,flowtest.dev/role=generator")
            #expect(generatorsOfA.items.compactMap(\.metadata.name) == ["a-generator-0", "a-generator-1"])
            let everywhere: ListPage<FlowTestReport> = try await client.list(.flowTestReports, namespace: nil, labelSelector: "flowtest.dev/name=a")
            #expect(everywhere.items.count == 4)
            let paged: ListPage<FlowTestReport> = try await client.list(.flowTestReports, namespace: "team", limit: 2)
            #expect(paged.items.count == 2 && paged.continueToken?.isEmpty == false)
        }
        // The list kind is the CRD's (fixture 08).
        let store = FakeAPIStore()
        let list = try Self.send(store, "GET", Self.collection)
        #expect(list.body["kind"] == "FlowTestReportList" && list.body["apiVersion"] == "flowtest.dev/v1alpha1")
    }

    /// A label-selected watch sees its FlowTest's reports being written, and no other's.
    @Test func aWatchSeesItsFlowTestsReports() async throws {
        try await withServer { _, client in
            let start: ListPage<FlowTestReport> = try await client.list(.flowTestReports, namespace: "team", labelSelector: "flowtest.dev/name=quick")
            let events = try client.watch(
                .flowTestReports, namespace: "team", resourceVersion: start.resourceVersion, labelSelector: "flowtest.dev/name=quick",
                timeoutSeconds: 10, as: FlowTestReport.self)
            let other = try await Self.owner(client, "other")
            let quick = try await Self.owner(client)
            _ = try await client.create(.flowTestReports, namespace: "team", FlowTestReportAPITests.firstReport(pod: "other-generator-0", flowTest: "other", uid: other))
            _ = try await client.create(.flowTestReports, namespace: "team", FlowTestReportAPITests.firstReport(uid: quick))
            let patch = try FlowTestReport.patch(incarnation: "second", report: FlowTestReportAPITests.generatorReport(finished: true))
            let _: FlowTestReport = try await client.mergePatch(.flowTestReports, namespace: "team", name: "quick-generator-0", patch)
            var seen: [(WatchEventType, String, Int)] = []
            for try await event in events where event.type != .bookmark {
                seen.append((event.type, event.object?.metadata.name ?? "", event.object?.report.incarnations.count ?? 0))
                if seen.count == 2 { break }
            }
            #expect(seen.map(\.0) == [.added, .modified])
            #expect(seen.map(\.1) == ["quick-generator-0", "quick-generator-0"])
            #expect(seen.map(\.2) == [1, 2])
        }
    }

    /// Fixtures 40-44: deleting the FlowTest takes its reports with it.
    @Test func deletingTheFlowTestCollectsItsReports() async throws {
        try await withServer { server, client in
            let flowTest = try await client.create(.flowTests, namespace: "team", FlowTest(metadata: ObjectMeta(name: "quick"), spec: FlowTestSpec(flows: FlowsSpec(rate: 10))))
            let uid = try #require(flowTest.metadata.uid)
            for pod in ["quick-generator-0", "quick-echo-0"] {
                let report = FlowTestReport.first(
                    pod: pod, namespace: "team", flowTest: "quick", flowTestUID: uid, role: .generator, incarnation: "i", report: FlowTestReportAPITests.generatorReport())
                _ = try await client.create(.flowTestReports, namespace: "team", report)
            }
            // A report of a test that is gone already is collected at once.
            let orphan = FlowTestReport.first(
                pod: "gone-generator-0", namespace: "team", flowTest: "gone", flowTestUID: "no-such-uid", role: .generator, incarnation: "i",
                report: FlowTestReportAPITests.generatorReport())
            _ = try await client.create(.flowTestReports, namespace: "team", orphan)
            #expect(server.store.objects(.flowTestReports, namespace: "team").count == 2)
            try await client.delete(.flowTests, namespace: "team", name: "quick")
            #expect(server.store.objects(.flowTestReports, namespace: "team").isEmpty)
        }
    }

    /// The write accounting tests use to assert a write pattern: one write and its bytes per
    /// request, per object, status writes of a FlowTest included, refused writes included.
    @Test func theStoreCountsWritesAndBytesPerObject() throws {
        let store = FakeAPIStore()
        let uid = try Self.owner(store, "owner")
        let report = try Self.body(FlowTestReportAPITests.firstReport(flowTest: "owner", uid: uid))
        let patches = try (0..<3).map { index in
            try JSONEncoder().encode(FlowTestReport.patch(incarnation: "i-\(index)", report: FlowTestReportAPITests.generatorReport(started: UInt64(index))))
        }
        #expect(try Self.send(store, "POST", Self.collection, report).status == 201)
        for patch in patches {
            #expect(try Self.send(store, "PATCH", Self.collection + "/quick-generator-0", patch, contentType: "application/merge-patch+json").status == 200)
        }
        // A refused write costs the server its bytes too.
        #expect(try Self.send(store, "POST", Self.collection, report).status == 409)
        _ = try Self.send(store, "GET", Self.collection + "/quick-generator-0")
        let expected = FakeWriteStatistics(writes: 5, bytes: report.count * 2 + patches.map(\.count).reduce(0, +))
        #expect(store.writeStatistics(.flowTestReports, namespace: "team", name: "quick-generator-0") == expected)
        #expect(store.writeStatistics(.flowTestReports, namespace: "team", name: "quick-generator-1") == FakeWriteStatistics())
        #expect(store.writeStatistics(.flowTestReports, namespace: "other", name: "quick-generator-0") == FakeWriteStatistics())
        #expect(store.writeStatistics(.flowTestReports, namespace: "team") == ["quick-generator-0": expected])
        // The FlowTest object: its create and its /status patches are its writes.
        let flowTest = Data(#"{"apiVersion":"flowtest.dev/v1alpha1","kind":"FlowTest","metadata":{"name":"quick"},"spec":{"flows":{"rate":10}}}"#.utf8)
        let status = Data(#"{"status":{"phase":"Running"}}"#.utf8)
        let flowTests = "/apis/flowtest.dev/v1alpha1/namespaces/team/flowtests"
        #expect(try Self.send(store, "POST", flowTests, flowTest).status == 201)
        #expect(try Self.send(store, "PATCH", flowTests + "/quick/status", status, contentType: "application/merge-patch+json").status == 200)
        #expect(store.writeStatistics(.flowTests, namespace: "team", name: "quick") == FakeWriteStatistics(writes: 2, bytes: flowTest.count + status.count))
    }

    /// `kubectl get flowtestreports` asks for a Table: the CRD's columns with the headline's cells.
    @Test func kubectlsTableShowsTheReportColumns() throws {
        let store = FakeAPIStore()
        _ = try Self.send(store, "POST", Self.collection, Self.body(FlowTestReportAPITests.firstReport(uid: try Self.owner(store))))
        let table = try Self.send(store, "GET", Self.collection, accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        #expect(table.body["kind"] == "Table")
        let names = table.body["columnDefinitions"]?.array?.compactMap { $0["name"]?.string }
        #expect(names == ["Name", "Role", "Started", "Failed", "P99-ms", "Finished", "Reported", "Incarnation", "FlowTest", "Age"])
        let cells = try #require(table.body["rows"]?.array?.first?["cells"]?.array)
        #expect(Array(cells.prefix(4)) == ["quick-generator-0", "generator", 40, 2])
        #expect(cells[5] == false && cells[7] == "0c958154-mi8x2k3a" && cells[8] == "quick", "\(cells)")
        #expect(cells[6].string?.isEmpty == false && cells[9].string?.isEmpty == false, "ages")
    }

    /// Discovery lists the kind as its CRD declares it; a plural no CRD declares is not found.
    @Test func discoveryAndUnknownPlurals() throws {
        let store = FakeAPIStore()
        let resources = try Self.send(store, "GET", "/apis/flowtest.dev/v1alpha1").body["resources"]?.array ?? []
        let entry = try #require(resources.first { $0["name"] == "flowtestreports" })
        #expect(entry["kind"] == "FlowTestReport" && entry["shortNames"] == ["ftr"] && entry["singularName"] == "flowtestreport")
        #expect(!resources.contains { $0["name"] == "flowtestreports/status" })
        #expect(resources.contains { $0["name"] == "flowtests/status" })
        let unknown = try Self.send(store, "POST", "/apis/flowtest.dev/v1alpha1/namespaces/team/flowtestresults", Data("{}".utf8))
        #expect(unknown.status == 404 && unknown.body["message"] == "the server could not find the requested resource")
    }
}
