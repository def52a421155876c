import Foundation

/// A failed Kubernetes API call, decoded from the `Status` body into what a caller acts on.
public enum KubernetesError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(message: String)
    /// 409 with reason AlreadyExists: a create found the object there (for children: fine).
    case alreadyExists(message: String)
    /// 409 with reason Conflict: a stale resourceVersion; re-read and retry.
    case conflict(message: String)
    /// 410: the resourceVersion is too old; relist.
    case gone(message: String)
    /// 422 with one cause per field.
    case invalid(message: String, causes: [KubernetesStatus.Cause])
    case forbidden(message: String)
    case unauthorized(message: String)
    /// 429: slow down; retry after the given time.
    case tooManyRequests(message: String, retryAfter: Duration?)
    case unsupportedMediaType(message: String)
    /// Any other HTTP status.
    case server(code: Int, reason: String, message: String)
    /// No response: connection refused, TLS failure, timeout.
    case transport(message: String)
    /// A response that is not what the API promises.
    case malformedResponse(message: String)

    /// Builds the error for an HTTP status and the body that came with it.
    public static func from(statusCode: Int, body: Data, retryAfterHeader: String?) -> KubernetesError {
        let status = try? JSONDecoder().decode(KubernetesStatus.self, from: body)
        let message = status?.message ?? String(decoding: body.prefix(500), as: UTF8.self)
        switch (statusCode, status?.reason) {
        case (404, _): return .notFound(message: message)
        case (409, "AlreadyExists"): return .alreadyExists(message: message)
        case (409, _): return .conflict(message: message)
        case (410, _): return .gone(message: message)
        case (422, _): return .invalid(message: message, causes: status?.details?.causes ?? [])
        case (403, _): return .forbidden(message: message)
        case (401, _): return .unauthorized(message: message)
        case (415, _): return .unsupportedMediaType(message: message)
        case (429, _):
            let seconds = retryAfterHeader.flatMap(Int.init) ?? status?.details?.retryAfterSeconds
            return .tooManyRequests(message: message, retryAfter: seconds.map { .seconds($0) })
        default: return .server(code: statusCode, reason: status?.reason ?? "", message: message)
        }
    }

    /// Whether retrying the same request later can succeed: throttling and server errors only.
    public var isRetryable: Bool {
        switch self {
        case .tooManyRequests, .transport: true
        case .server(let code, _, _): code >= 500
        default: false
        }
    }

    public var description: String {
        switch self {
        case .notFound(let message), .alreadyExists(let message), .conflict(let message), .gone(let message),
            .forbidden(let message), .unauthorized(let message), .unsupportedMediaType(let message),
            .transport(let message), .malformedResponse(let message):
            return message
        case .invalid(let message, _): return message
        case .tooManyRequests(let message, let retryAfter):
            return message + (retryAfter.map { " (retry after \($0.flowTestText))" } ?? "")
        case .server(let code, let reason, let message): return "\(code) \(reason): \(message)"
        }
    }
}
