@testable import FakeKubernetes
import FlowTestShared
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What kubectl reads from the fake API server, held against the real kube-apiserver's recorded
/// answers: discovery (fixtures 57, 58), `/version` (59) and the server-side Table (62).
@Suite("Fake API server: discovery, version and Tables shaped as recorded")
struct FakeDiscoveryFidelityTests {
    private static let tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

    private func fetch(_ server: FakeAPIServer, _ path: String, accept: String = "application/json") async throws -> Data {
        var request = URLRequest(url: server.url.appendingPathComponent(path))
        request.setValue(accept, forHTTPHeaderField: "Accept")
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(path)")
        return data
    }

    private func json(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    @Test func theGroupAndTheVersionAreTheRecordedOnes() async throws {
        let server = try await FakeAPIServer.start()
        #expect(try json(await fetch(server, "/apis/flowtest.dev")) == json(Fixture("58").body))
        #expect(try await fetch(server, "/version") == Fixture("59").body)
        await server.stop()
    }

    @Test func theResourceListHasTheRecordedEntriesFromOurCRD() async throws {
        let server = try await FakeAPIServer.start()
        let served = try json(await fetch(server, "/apis/flowtest.dev/v1alpha1"))
        let recorded = try json(Fixture("57").body)
        for key in ["kind", "apiVersion", "groupVersion"] { #expect(served[key] == recorded[key]) }
        let allServed = try #require(served["resources"]?.array)
        let recordedEntries = try #require(recorded["resources"]?.array)
        // The recorded cluster had FlowTest's CRD only; FlowTestReport's entry follows FlowTest's
        // (same verbs, namespaced) and, without a status subresource, has no `/status` entry.
        let servedEntries = allServed.filter { $0["name"]?.string?.hasPrefix("flowtests") == true }
        #expect(servedEntries.map { $0["name"] } == recordedEntries.map { $0["name"] })
        #expect(allServed.map { $0["name"] } == ["flowtests", "flowtests/status", "flowtestreports"])
        let reports = try #require(allServed.last)
        #expect(reports["namespaced"] == true && reports["kind"] == "FlowTestReport")
        #expect(Set(reports["verbs"]?.array?.compactMap(\.string) ?? []) == Set(recordedEntries[0]["verbs"]?.array?.compactMap(\.string) ?? []))
        for (mine, theirs) in zip(servedEntries, recordedEntries) {
            // The recorded CRD had no categories and a storage hash the fake does not compute.
            for key in ["singularName", "namespaced", "kind", "shortNames"] { #expect(mine[key] == theirs[key], "\(key)") }
            #expect(Set(mine["verbs"]?.array?.compactMap(\.string) ?? []) == Set(theirs["verbs"]?.array?.compactMap(\.string) ?? []))
        }
        await server.stop()
    }

    @Test func aTableHasTheRecordedShapeAndOurCRDsColumns() async throws {
        let server = try await FakeAPIServer.start()
        let client = KubernetesClient(configuration: server.configuration())
        _ = try await client.create(.flowTests, namespace: "fixtures", FlowTest(metadata: ObjectMeta(name: "ft-e"), spec: FlowTestSpec(flows: FlowsSpec(rate: 5000))))
        let table = try json(await fetch(server, "/apis/flowtest.dev/v1alpha1/namespaces/fixtures/flowtests", accept: Self.tableAccept))
        let recorded = try json(Fixture("62").body)
        #expect(table["kind"] == recorded["kind"] && table["apiVersion"] == recorded["apiVersion"])
        #expect(table["metadata"]?["resourceVersion"]?.string != nil && table["metadata"]?["continue"] == nil)
        let columns = try #require(table["columnDefinitions"]?.array)
        let recordedColumns = try #require(recorded["columnDefinitions"]?.array)
        #expect(columns.first == recordedColumns.first, "the Name column")
        // Each CRD column as the server turns it into a definition (fixture 62: Phase, Rate, Age).
        for recordedColumn in recordedColumns.dropFirst() {
            let mine = try #require(columns.first { $0["name"] == recordedColumn["name"] })
            #expect(mine == recordedColumn)
        }
        #expect(columns.map { $0["name"]?.string ?? "" } == ["Name", "Phase", "Protocol", "Rate", "Completed", "Failed", "P99-ms", "Outage-ms", "Loss-%", "Pattern", "Age"])
        let row = try #require(table["rows"]?.array?.first)
        let recordedRow = try #require(recorded["rows"]?.array?.last)
        #expect(recordedRow["cells"]?.array?[1] == .null, "the recorded ft-e has no phase yet")
        #expect(row["cells"]?.array?[0] == "ft-e" && row["cells"]?.array?[1] == .null && row["cells"]?.array?[3] == 5000)
        #expect(row["cells"]?.array?.last?.string?.hasSuffix("s") == true, "an age such as 0s")
        #expect(row["object"]?["kind"] == recordedRow["object"]?["kind"] && row["object"]?["apiVersion"] == recordedRow["object"]?["apiVersion"])
        #expect(row["object"]?["metadata"]?["name"] == "ft-e")
        await server.stop()
    }

    /// apimachinery's `duration.HumanDuration`, which the API server uses for the Age cells.
    @Test(arguments: [
        (5.0, "5s"), (119.0, "119s"), (227.0, "3m47s"), (240.0, "4m"), (600.0, "10m"), (11_100.0, "3h5m"),
        (180_000.0, "2d2h"), (34_560_000.0, "400d"), (-0.5, "0s"), (-5.0, "<invalid>"),
    ] as [(Double, String)])
    func agesReadAsKubectlShowsThem(seconds: Double, age: String) {
        #expect(FakeTable.humanDuration(seconds) == age)
    }
}
