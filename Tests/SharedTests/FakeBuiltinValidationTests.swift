import FlowTestShared
import Foundation
import Testing
@testable import FakeKubernetes

/// The fake API server refuses the built-in objects a real kube-apiserver refuses, with its
/// status codes and words: 400 for what does not decode (a MicroTime without six fractional
/// digits), 422 with one cause per field for what does not validate, 403 for a pod whose
/// service account does not exist. Every difference seen on a real cluster so far was an
/// object the fake accepted and the real server refused.
@Suite("Fake API server: built-in objects validated as kube-apiserver validates them")
struct FakeBuiltinValidationTests {
    private static let namespace = "/namespaces/fixtures"
    private static let pods = "/api/v1\(namespace)/pods"
    private static let events = "/apis/events.k8s.io/v1\(namespace)/events"
    private static let leases = "/apis/coordination.k8s.io/v1\(namespace)/leases"

    private static func post(_ path: String, _ object: JSONValue, store: FakeAPIStore = FakeAPIStore()) throws -> (status: Int, body: JSONValue) {
        try FakeBuiltinFidelityTests.send(store, "POST", path, FakeAPIStore.encode(object))
    }

    /// Fixture 50's request: an events.k8s.io/v1 Event the real server accepted.
    private static func recordedEvent() throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Fixture("50").requestBody)
    }

    private static func causes(_ body: JSONValue) -> [JSONValue] {
        body["details"]?["causes"]?.array ?? []
    }

    // MARK: What the brief of this suite asked for, one by one

    @Test func anEventTimeWithThreeFractionalDigitsIsRefusedWith400() throws {
        // What EventRecorder wrote until a real v1.36.2 refused it.
        let event = try Self.recordedEvent().applyingMergePatch(.object(["eventTime": "2026-12-01T09:14:05.768Z"]))
        let store = FakeAPIStore()
        let (status, body) = try Self.post(Self.events, event, store: store)
        #expect(status == 400)
        #expect(body["reason"] == "BadRequest" && body["code"] == 400 && body["status"] == "Failure")
        #expect(body["message"]?.string == """
            Event in version "v1" cannot be handled as a Event: parsing time "2026-12-01T09:14:05.768Z" as \
            "2006-01-02T15:04:05.000000Z07:00": cannot parse ".768Z" as ".000000" (field eventTime)
            """)
        #expect(store.objects(.events, namespace: "fixtures").isEmpty)
    }

    @Test func anEventWithoutReportingControllerIs422NamingTheField() throws {
        let event = try Self.recordedEvent().applyingMergePatch(.object(["reportingController": .null]))
        let (status, body) = try Self.post(Self.events, event)
        #expect(status == 422)
        #expect(body["reason"] == "Invalid")
        #expect(body["details"]?["kind"] == "Event" && body["details"]?["group"] == "events.k8s.io")
        #expect(body["details"]?["name"] == "ft-a.187a1b2c3d4e5f60")
        #expect(Self.causes(body).first == .object(["reason": "FieldValueRequired", "message": "Required value", "field": "reportingController"]))
        #expect(body["message"]?.string?.hasPrefix(#"Event.events.k8s.io "ft-a.187a1b2c3d4e5f60" is invalid: [reportingController: Required value, "#) == true)
    }

    @Test func theRecordedEventIsAccepted() throws {
        #expect(try Self.post(Self.events, Self.recordedEvent()).status == 201)
    }

    @Test func aPodWithoutContainersIs422() throws {
        let pod: JSONValue = .object(["apiVersion": "v1", "kind": "Pod", "metadata": .object(["name": "p"]), "spec": .object(["containers": []])])
        let (status, body) = try Self.post(Self.pods, pod)
        #expect(status == 422)
        #expect(body["message"] == #"Pod "p" is invalid: spec.containers: Required value"#)
        #expect(Self.causes(body) == [.object(["reason": "FieldValueRequired", "message": "Required value", "field": "spec.containers"])])
        // A core kind: details name the kind, and no group.
        #expect(body["details"]?["kind"] == "Pod" && body["details"]?["group"] == nil)
    }

    // MARK: MicroTime

    @Test func microTimeHasSixDigitsInUTC() throws {
        let date = try Date("2026-12-01T09:14:05.768Z", strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
        #expect(MicroTime.string(date) == "2026-12-01T09:14:05.768000Z")
        #expect(MicroTime.string(Date(timeIntervalSince1970: 0.000_001)) == "1970-01-01T00:00:00.000001Z")
        #expect(MicroTime.string(Date(timeIntervalSince1970: 59.999_999_7)) == "1970-01-01T00:01:00.000000Z")
        #expect(MicroTime.date("2026-12-01T09:14:05.768000Z") == date)
    }

    @Test func microTimesOfNowAreAcceptedInEventsAndLeases() throws {
        let now = MicroTime.string(Date())
        #expect(FakeTimeLayout.microTime.parseError(now) == nil, "\(now)")
        let event = try Self.recordedEvent().applyingMergePatch(.object(["eventTime": .string(now)]))
        #expect(try Self.post(Self.events, event).status == 201)
        let lease: JSONValue = .object([
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": .object(["name": "l"]),
            "spec": .object(["holderIdentity": "a", "leaseDurationSeconds": 15, "acquireTime": .string(now), "renewTime": .string(now)]),
        ])
        #expect(try Self.post(Self.leases, lease).status == 201)
    }

    // MARK: Updates

    @Test func aBuiltinPutWithoutResourceVersionIsAnUnconditionalUpdate() throws {
        let store = FakeAPIStore()
        let lease: JSONValue = .object(["apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": .object(["name": "l"]), "spec": .object(["holderIdentity": "a"])])
        #expect(try Self.post(Self.leases, lease, store: store).status == 201)
        let renewed = lease.applyingMergePatch(.object(["spec": .object(["holderIdentity": "b"])]))
        let (status, body) = try FakeBuiltinFidelityTests.send(store, "PUT", "\(Self.leases)/l", FakeAPIStore.encode(renewed))
        #expect(status == 200 && body["spec"]?["holderIdentity"] == "b")
        // The PUT's body is decoded and validated like a create's.
        let broken = renewed.applyingMergePatch(.object(["spec": .object(["renewTime": "2026-12-01T09:14:05Z"])]))
        #expect(try FakeBuiltinFidelityTests.send(store, "PUT", "\(Self.leases)/l", FakeAPIStore.encode(broken)).status == 400)
        let invalid = renewed.applyingMergePatch(.object(["spec": .object(["leaseDurationSeconds": 0])]))
        #expect(try FakeBuiltinFidelityTests.send(store, "PUT", "\(Self.leases)/l", FakeAPIStore.encode(invalid)).status == 422)
    }

    @Test func aMergePatchThatBreaksAMicroTimeIs422OnThePatch() throws {
        let store = FakeAPIStore()
        let lease: JSONValue = .object(["apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": .object(["name": "l"]), "spec": .object(["holderIdentity": "a"])])
        #expect(try Self.post(Self.leases, lease, store: store).status == 201)
        let (status, body) = try FakeBuiltinFidelityTests.send(
            store, "PATCH", "\(Self.leases)/l", FakeAPIStore.encode(.object(["spec": .object(["renewTime": "2026-12-01T09:14:05.768Z"])])),
            contentType: "application/merge-patch+json")
        #expect(status == 422)
        #expect(Self.causes(body).first?["field"] == "patch")
        #expect(Self.causes(body).first?["message"]?.string?.hasSuffix(#"cannot parse ".768Z" as ".000000" (field spec.renewTime)"#) == true)
    }
}
