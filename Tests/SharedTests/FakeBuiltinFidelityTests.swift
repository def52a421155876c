import FlowTestShared
import Foundation
import Testing
@testable import FakeKubernetes

/// The recorded creates of built-in objects (fixtures 41, 45, 50), replayed against the fake API
/// server: each is accepted, and answered with what the real kube-apiserver filled in.
@Suite("Fake API server: recorded Pod, Service and Event creates answered as recorded")
struct FakeBuiltinFidelityTests {
    /// Replays a fixture's request; returns the status and the body as JSON.
    static func replay(_ fixture: Fixture, on store: FakeAPIStore = FakeAPIStore()) throws -> (status: Int, body: JSONValue) {
        try send(store, fixture.requestMethod, fixture.requestPath, fixture.requestBody)
    }

    static func send(_ store: FakeAPIStore, _ method: String, _ path: String, _ body: Data, contentType: String = "application/json") throws -> (status: Int, body: JSONValue) {
        let response = store.handle(method: method, path: path, query: [:], headers: ["content-type": contentType], body: body)
        guard case .full(let status, let data, _) = response else { throw FixtureMismatch.notAFullResponse }
        return (status, try JSONDecoder().decode(JSONValue.self, from: data))
    }

    enum FixtureMismatch: Error { case notAFullResponse }

    @Test func theRecordedEventIsAcceptedAndAnsweredAsRecorded() throws {
        let fixture = try Fixture("50")
        let recorded = try JSONDecoder().decode(JSONValue.self, from: fixture.body)
        let (status, served) = try Self.replay(fixture)
        #expect(status == fixture.statusCode)
        for (key, value) in recorded.fakeMembers where key != "metadata" { #expect(served[key] == value, "\(key)") }
        for key in ["name", "namespace"] { #expect(served["metadata"]?[key] == recorded["metadata"]?[key], "metadata.\(key)") }
        for key in ["uid", "resourceVersion", "creationTimestamp"] { #expect(served["metadata"]?[key]?.string != nil, "metadata.\(key)") }
    }

    @Test func theRecordedPodIsAcceptedWithTheDefaultsTheServerFilled() throws {
        let fixture = try Fixture("41")
        let recorded = try JSONDecoder().decode(JSONValue.self, from: fixture.body)
        let (status, served) = try Self.replay(fixture)
        #expect(status == fixture.statusCode)
        for key in ["kind", "apiVersion", "status"] { #expect(served[key] == recorded[key], "\(key)") }
        for key in ["name", "namespace", "generation", "labels", "ownerReferences"] {
            #expect(served["metadata"]?[key] == recorded["metadata"]?[key], "metadata.\(key)")
        }
        // The token volume's name ends in five random letters; the recorded cluster also carried
        // a fourth, OpenShift-only source (fixtures README). Compare everything else.
        let normalize = { (spec: JSONValue?, sources: Int) -> JSONValue? in
            spec?.updatingItems("volumes") { volume in
                volume.setting("name", "kube-api-access").updating("projected") { projected in
                    projected.updating("sources") { .array(Array(($0.array ?? []).prefix(sources))) }
                }
            }.updatingItems("containers") { container in
                container.updatingItems("volumeMounts") { $0.setting("name", "kube-api-access") }
            }
        }
        let servedSpec = try #require(normalize(served["spec"], 3))
        let recordedSpec = try #require(normalize(recorded["spec"], 3))
        #expect(Set(servedSpec.fakeMembers.keys) == Set(recordedSpec.fakeMembers.keys))
        for (key, value) in recordedSpec.fakeMembers { #expect(servedSpec[key] == value, "spec.\(key)") }
    }

    @Test func theRecordedServiceIsAcceptedWithAClusterAddressAndItsDefaults() throws {
        let fixture = try Fixture("45")
        let recorded = try JSONDecoder().decode(JSONValue.self, from: fixture.body)
        let (status, served) = try Self.replay(fixture)
        #expect(status == fixture.statusCode)
        for key in ["kind", "apiVersion", "status"] { #expect(served[key] == recorded[key], "\(key)") }
        for key in ["name", "namespace", "labels"] { #expect(served["metadata"]?[key] == recorded["metadata"]?[key], "metadata.\(key)") }
        let spec = try #require(served["spec"])
        #expect(Set(spec.fakeMembers.keys) == Set((recorded["spec"]?.fakeMembers ?? [:]).keys))
        for (key, value) in recorded["spec"]?.fakeMembers ?? [:] where !["clusterIP", "clusterIPs"].contains(key) {
            #expect(spec[key] == value, "spec.\(key)")
        }
        let address = try #require(spec["clusterIP"]?.string)
        #expect(spec["clusterIPs"] == [.string(address)])
        #expect(address.split(separator: ".").compactMap { UInt8($0) }.count == 4, "\(address) is an IPv4 address")
    }

    @Test func theRecordedLeaseAndRoleAreAccepted() throws {
        for name in ["47", "54"] {
            let fixture = try Fixture(name)
            let (status, served) = try Self.replay(fixture)
            #expect(status == fixture.statusCode, "fixture \(name): \(served)")
        }
    }

    @Test func theRecordedLeaseRenewalIsAcceptedAndTheStaleOneIsAConflict() throws {
        let store = FakeAPIStore()
        let created = try Self.replay(Fixture("47"), on: store)
        // Fixtures 48 and 49 PUT with the resourceVersion the create returned (363 there).
        let version = try #require(created.body["metadata"]?["resourceVersion"]?.string)
        for (name, status) in [("48", 200), ("49", 409)] {
            let fixture = try Fixture(name)
            let body = String(decoding: fixture.requestBody, as: UTF8.self).replacingOccurrences(of: "\"363\"", with: "\"\(version)\"")
            #expect(try Self.send(store, fixture.requestMethod, fixture.requestPath, Data(body.utf8)).status == status, "fixture \(name)")
        }
    }
}
