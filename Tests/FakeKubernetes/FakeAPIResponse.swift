import FlowTestShared
import Foundation

/// What the fake answers: a complete body, or a watch stream.
enum FakeAPIResponse: Sendable {
    case full(status: Int, body: Data, headers: [(String, String)])
    case watch(FakeWatchRequest)

    static func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> FakeAPIResponse {
        .full(status: status, body: FakeAPIStore.encode(value), headers: headers)
    }

    /// A `Status` error body exactly as the API server shapes it (fixtures 04, 05, 17, 52).
    static func status(
        _ code: Int, reason: String, message: String, route: FakeAPIRoute? = nil, name: String? = nil,
        causes: [JSONValue]? = nil, kindOverride: String? = nil, retryAfter: Int? = nil
    ) -> FakeAPIResponse {
        var body: [String: JSONValue] = [
            "kind": "Status", "apiVersion": "v1", "metadata": .object([:]), "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .integer(Int64(code)),
        ]
        var details: [String: JSONValue] = [:]
        if let name { details["name"] = .string(name) }
        if let route {
            if !route.group.isEmpty { details["group"] = .string(route.group) }
            details["kind"] = .string(kindOverride ?? route.statusKind)
        }
        if let causes { details["causes"] = .array(causes) }
        if let retryAfter { details["retryAfterSeconds"] = .integer(Int64(retryAfter)) }
        if !details.isEmpty { body["details"] = .object(details) }
        return .json(code, .object(body), headers: retryAfter.map { [("Retry-After", String($0))] } ?? [])
    }
}
