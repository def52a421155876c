import Foundation
import Logging

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A typed REST client for the Kubernetes API over URLSession.
///
/// Requests that fail with 429 or a 5xx are retried with exponential back-off (429 waits at
/// least its Retry-After); every other error is thrown at once as a `KubernetesError`.
public final class KubernetesClient: Sendable {
    public let configuration: KubernetesConfiguration
    let session: URLSession
    let retry: RetryPolicy
    let logger: Logger

    /// How many times, and how patiently, retryable failures are retried.
    public struct RetryPolicy: Sendable {
        public var attempts: Int
        public var initialBackoff: Duration
        public var maximumBackoff: Duration

        public init(attempts: Int = 5, initialBackoff: Duration = .milliseconds(200), maximumBackoff: Duration = .seconds(10)) {
            self.attempts = attempts
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
        }
    }

    /// `requestTimeout` is how long one request may see no bytes before it fails (URLSession's idle
    /// timer, not a deadline); it also bounds connecting to an apiserver that does not answer.
    public init(
        configuration: KubernetesConfiguration, retry: RetryPolicy = RetryPolicy(), requestTimeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "flowtest.kubernetes")
    ) {
        self.configuration = configuration
        self.retry = retry
        self.logger = logger
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        // Watches use their own session.
        sessionConfiguration.timeoutIntervalForRequest = requestTimeout.seconds
        sessionConfiguration.httpAdditionalHeaders = ["User-Agent": configuration.userAgent, "Accept": "application/json"]
        self.session = URLSession(configuration: sessionConfiguration)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// One request through the completion-handler API, never cancelled once sent.
    ///
    /// Cancelling a running task (what `data(for:)` does when the calling Swift task is
    /// cancelled) can make FoundationNetworking on Linux trap in its task registry when the
    /// cancellation races the transfer's end. Requests are short and bounded by the session's
    /// idle timer, so letting them finish costs little and can never bring the process down.
    public static func perform(_ request: URLRequest, on session: URLSession) async throws -> (Data, URLResponse) {
        try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else if let response {
                    continuation.resume(returning: (data ?? Data(), response))
                } else {
                    continuation.resume(throwing: URLError(.badServerResponse))
                }
            }.resume()
        }
    }

    // MARK: Typed operations

    public func get<Object: Decodable & Sendable>(_ kind: ResourceKind, namespace: String?, name: String, as type: Object.Type = Object.self) async throws(KubernetesError) -> Object {
        try decode(await send("GET", kind.path(namespace: namespace, name: name)))
    }

    /// One page of a list; pass the returned `continueToken` back for the next.
    public func list<Object: Decodable & Sendable>(
        _ kind: ResourceKind, namespace: String?, labelSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil,
        as type: Object.Type = Object.self
    ) async throws(KubernetesError) -> ListPage<Object> {
        var query: [URLQueryItem] = []
        if let labelSelector { query.append(URLQueryItem(name: "labelSelector", value: labelSelector)) }
        if let limit { query.append(URLQueryItem(name: "limit", value: String(limit))) }
        if let continueToken { query.append(URLQueryItem(name: "continue", value: continueToken)) }
        let list: ListResponse<Object> = try decode(await send("GET", kind.path(namespace: namespace), query: query))
        let token = list.metadata.continue.flatMap { $0.isEmpty ? nil : $0 }
        return ListPage(
            items: list.items, resourceVersion: list.metadata.resourceVersion ?? "", continueToken: token,
            remainingItemCount: list.metadata.remainingItemCount)
    }

    /// Every item, following continue tokens page by page.
    public func listAll<Object: Decodable & Sendable>(
        _ kind: ResourceKind, namespace: String?, labelSelector: String? = nil, pageSize: Int = 500, as type: Object.Type = Object.self
    ) async throws(KubernetesError) -> ListPage<Object> {
        let first: ListPage<Object> = try await list(kind, namespace: namespace, labelSelector: labelSelector, limit: pageSize)
        var page = first
        var items = page.items
        while let token = page.continueToken {
            page = try await list(kind, namespace: namespace, labelSelector: labelSelector, limit: pageSize, continueToken: token)
            items += page.items
        }
        // The list's resourceVersion is that of the first page: the snapshot the pages belong to.
        // A later revision would make a watch started from it skip what changed between pages.
        return ListPage(items: items, resourceVersion: first.resourceVersion, continueToken: nil, remainingItemCount: nil)
    }

    public func create<Object: Codable & Sendable>(_ kind: ResourceKind, namespace: String?, _ object: Object) async throws(KubernetesError) -> Object {
        try decode(await send("POST", kind.path(namespace: namespace), body: encode(object)))
    }

    /// PUT: replaces the object; its metadata.resourceVersion must be current (409 Conflict otherwise).
    public func replace<Object: Codable & Sendable>(
        _ kind: ResourceKind, namespace: String?, name: String, _ object: Object, subresource: String? = nil
    ) async throws(KubernetesError) -> Object {
        try decode(await send("PUT", kind.path(namespace: namespace, name: name, subresource: subresource), body: encode(object)))
    }

    /// A JSON merge patch (RFC 7386): objects merge key by key, `null` deletes, arrays are replaced.
    /// With `subresource: "status"` it changes only the status.
    public func mergePatch<Object: Decodable & Sendable>(
        _ kind: ResourceKind, namespace: String?, name: String, _ patch: JSONValue, subresource: String? = nil,
        as type: Object.Type = Object.self
    ) async throws(KubernetesError) -> Object {
        try decode(
            await send(
                "PATCH", kind.path(namespace: namespace, name: name, subresource: subresource), body: encode(patch),
                contentType: "application/merge-patch+json"))
    }

    public enum PropagationPolicy: String, Sendable {
        case background = "Background"
        case foreground = "Foreground"
        case orphan = "Orphan"
    }

    /// Deletes the object; NotFound is thrown, so callers decide whether "already gone" is fine.
    public func delete(_ kind: ResourceKind, namespace: String?, name: String, propagation: PropagationPolicy = .background) async throws(KubernetesError) {
        let options: JSONValue = .object(["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": .string(propagation.rawValue)])
        _ = try await send("DELETE", kind.path(namespace: namespace, name: name), body: encode(options))
    }

    // MARK: Plumbing

    private struct ListResponse<Object: Decodable & Sendable>: Decodable {
        struct Metadata: Decodable {
            var resourceVersion: String?
            var `continue`: String?
            var remainingItemCount: Int?
        }
        var items: [Object]
        var metadata: Metadata
    }

    func encode(_ value: some Encodable) throws(KubernetesError) -> Data {
        do { return try JSONEncoder().encode(value) } catch {
            throw .malformedResponse(message: "cannot encode the request body: \(error)")
        }
    }

    func decode<Object: Decodable>(_ data: Data) throws(KubernetesError) -> Object {
        do { return try JSONDecoder().decode(Object.self, from: data) } catch {
            throw .malformedResponse(message: "cannot decode \(Object.self) from the API server's response: \(error)")
        }
    }

    /// Builds an authenticated request for `path` on the configured server.
    func request(_ method: String, _ path: String, query: [URLQueryItem] = [], body: Data? = nil, contentType: String = "application/json") throws(KubernetesError) -> URLRequest {
        guard var components = URLComponents(url: configuration.server, resolvingAgainstBaseURL: false) else {
            throw .transport(message: "invalid server URL \(configuration.server)")
        }
        components.path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/")).isEmpty ? path : components.path + path
        components.queryItems = query.isEmpty ? nil : query
        guard let url = components.url else { throw .transport(message: "cannot form a URL for \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        do {
            if let token = try configuration.token.current() { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        } catch {
            throw .unauthorized(message: error.description)
        }
        return request
    }

    /// Sends a request, retrying 429 and 5xx with back-off, and returns the 2xx body.
    func send(_ method: String, _ path: String, query: [URLQueryItem] = [], body: Data? = nil, contentType: String = "application/json") async throws(KubernetesError) -> Data {
        var backoff = retry.initialBackoff
        var attempt = 1
        while true {
            do {
                return try await sendOnce(request(method, path, query: query, body: body, contentType: contentType))
            } catch {
                if case .unauthorized = error { configuration.token.invalidate() }
                guard error.isRetryable, attempt < retry.attempts else { throw error }
                var wait = backoff
                if case .tooManyRequests(_, let retryAfter?) = error { wait = max(wait, retryAfter) }
                logger.debug("retrying", metadata: ["method": "\(method)", "path": "\(path)", "error": "\(error)", "wait": "\(wait)"])
                do { try await Task.sleep(for: wait) } catch { throw .transport(message: "cancelled") }
                backoff = min(backoff * 2, retry.maximumBackoff)
                attempt += 1
            }
        }
    }

    private func sendOnce(_ request: URLRequest) async throws(KubernetesError) -> Data {
        let data: Data
        let response: URLResponse
        do { (data, response) = try await Self.perform(request, on: session) } catch {
            throw .transport(message: "\(request.httpMethod ?? "") \(request.url?.absoluteString ?? ""): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else { throw .malformedResponse(message: "not an HTTP response") }
        guard (200..<300).contains(http.statusCode) else {
            throw KubernetesError.from(statusCode: http.statusCode, body: data, retryAfterHeader: http.value(forHTTPHeaderField: "Retry-After"))
        }
        return data
    }
}
