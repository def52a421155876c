import FlowTestShared
import Foundation
import Testing
@testable import FakeKubernetes

/// The fake prunes what a custom resource's schema does not declare, as kube-apiserver does
/// (structural schemas), and checks a status write against the status schema: a controller
/// must not come to rely on a status field its CRD lacks, which the real server drops.
@Suite("Fake API server: pruning and status validation")
struct FakePruningTests {
    static let flowTests = "/apis/flowtest.dev/v1alpha1/namespaces/team/flowtests"

    @Test func unknownFieldsAreDroppedFromTheSpecAndTheStatus() throws {
        let store = FakeAPIStore()
        _ = try FakeFlowTestReportTests.owner(store)
        let created = try FakeFlowTestReportTests.send(
            store, "POST", Self.flowTests,
            Data(#"{"apiVersion":"flowtest.dev/v1alpha1","kind":"FlowTest","metadata":{"name":"extra"},"spec":{"flows":{"rate":10,"colour":"blue"},"mood":1}}"#.utf8))
        #expect(created.status == 201)
        #expect(created.body["spec"]?["mood"] == nil && created.body["spec"]?["flows"]?["colour"] == nil)
        #expect(created.body["spec"]?["flows"]?["rate"] == 10)
        let patched = try FakeFlowTestReportTests.send(
            store, "PATCH", Self.flowTests + "/extra/status",
            Data(#"{"status":{"phase":"Running","agents":{"x-generator-0":{"role":"generator"}},"summary":{"flowsStarted":3,"nope":2}}}"#.utf8),
            contentType: "application/merge-patch+json")
        #expect(patched.status == 200)
        #expect(patched.body["status"]?["phase"] == "Running")
        #expect(patched.body["status"]?["agents"] == nil, "the status has no agents since reports are objects of their own")
        #expect(patched.body["status"]?["summary"]?["flowsStarted"] == 3 && patched.body["status"]?["summary"]?["nope"] == nil)
    }

    @Test func aStatusThatBreaksItsSchemaIsRefusedNamingTheField() throws {
        let store = FakeAPIStore()
        _ = try FakeFlowTestReportTests.owner(store)
        let refused = try FakeFlowTestReportTests.send(
            store, "PATCH", Self.flowTests + "/quick/status", Data(#"{"status":{"phase":"Exploded"}}"#.utf8),
            contentType: "application/merge-patch+json")
        #expect(refused.status == 422)
        #expect(refused.body["message"]?.string?.contains("status.phase") == true, "\(refused.body)")
    }
}
