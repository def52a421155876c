import FlowTestShared
import Foundation
import Testing
@testable import FlowTestShared

@Suite("Kubernetes errors and watch lines, decoded from real kube-apiserver responses")
struct KubernetesErrorTests {
    @Test func statusBodiesBecomeTypedErrors() throws {
        func error(_ fixture: String) throws -> KubernetesError {
            let recorded = try Fixture(fixture)
            return KubernetesError.from(statusCode: recorded.statusCode, body: recorded.body, retryAfterHeader: recorded.headers["retry-after"])
        }
        #expect(try error("04") == .alreadyExists(message: #"flowtests.flowtest.dev "ft-a" already exists"#))
        #expect(try error("05") == .notFound(message: #"flowtests.flowtest.dev "does-not-exist" not found"#))
        #expect(try error("15") == .gone(message: "The resourceVersion for the provided list is too old."))
        guard case .conflict = try error("17") else { Issue.record("17 is a Conflict"); return }
        guard case .invalid(_, let causes) = try error("06") else { Issue.record("06 is Invalid"); return }
        #expect(causes.map(\.field) == ["spec.flows.protocol", "spec.flows.rate", "<nil>"])
        guard case .invalid(_, let celCauses) = try error("07") else { Issue.record("07 is Invalid"); return }
        #expect(celCauses.first?.field == "spec")
        #expect(try error("52") == .unauthorized(message: "Unauthorized"))
        guard case .forbidden = try error("53") else { Issue.record("53 is Forbidden"); return }
        guard case .unsupportedMediaType = try error("34") else { Issue.record("34 is UnsupportedMediaType"); return }
    }

    @Test func throttlingCarriesRetryAfter() {
        let body = Data(#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"slow down","reason":"TooManyRequests","details":{"retryAfterSeconds":3},"code":429}"#.utf8)
        #expect(KubernetesError.from(statusCode: 429, body: body, retryAfterHeader: "2") == .tooManyRequests(message: "slow down", retryAfter: .seconds(2)))
        #expect(KubernetesError.from(statusCode: 429, body: body, retryAfterHeader: nil) == .tooManyRequests(message: "slow down", retryAfter: .seconds(3)))
        #expect(KubernetesError.from(statusCode: 503, body: Data("oops".utf8), retryAfterHeader: nil).isRetryable)
        #expect(!KubernetesError.from(statusCode: 404, body: Data(), retryAfterHeader: nil).isRetryable)
    }

    /// A minimal FlowTest view that decodes the fixtures' objects (they predate defaults).
    struct Named: Decodable, Sendable {
        struct Metadata: Decodable, Sendable { var name: String? }
        var metadata: Metadata
    }

    @Test func aRecordedWatchStreamDecodesEventByEvent() throws {
        let stream = try Fixture("12").body
        let lines = stream.split(separator: UInt8(ascii: "\n")).map { Data($0) }
        let events = try lines.map { try KubernetesClient.decodeWatchLine($0, as: Named.self) }
        #expect(events.map(\.type) == [.added, .modified, .modified, .deleted, .bookmark, .bookmark])
        #expect(events.map(\.resourceVersion) == ["276", "277", "278", "280", "280", "280"])
        #expect(events[0].object?.metadata.name == "ft-w")
        #expect(events[4].object == nil)
    }

    @Test func aRecordedExpiredWatchThrowsGone() throws {
        let line = try Fixture("14").body.split(separator: UInt8(ascii: "\n")).map { Data($0) }.first!
        #expect(throws: KubernetesError.gone(message: "too old resource version: 299 (317)")) {
            try KubernetesClient.decodeWatchLine(line, as: Named.self)
        }
    }
}
