import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension KubernetesClient {
    /// Watches `kind` from `resourceVersion`, with bookmarks, until the server ends the stream
    /// (after `timeoutSeconds`), an ERROR event arrives (thrown: `.gone` for 410), or the consumer
    /// stops iterating, which cancels the request at once.
    public func watch<Object: Decodable & Sendable>(
        _ kind: ResourceKind, namespace: String?, resourceVersion: String?, labelSelector: String? = nil,
        timeoutSeconds: Int = 290, as type: Object.Type = Object.self
    ) throws(KubernetesError) -> AsyncThrowingStream<WatchEvent<Object>, any Error> {
        var query = [
            URLQueryItem(name: "watch", value: "1"), URLQueryItem(name: "allowWatchBookmarks", value: "true"),
            URLQueryItem(name: "timeoutSeconds", value: String(timeoutSeconds)),
        ]
        if let resourceVersion { query.append(URLQueryItem(name: "resourceVersion", value: resourceVersion)) }
        if let labelSelector { query.append(URLQueryItem(name: "labelSelector", value: labelSelector)) }
        let request = try request("GET", kind.path(namespace: namespace), query: query)
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: WatchEvent<Object>.self)
        let delegate = WatchStreamDelegate(
            onLine: { line in
                do { continuation.yield(try Self.decodeWatchLine(line, as: Object.self)) } catch {
                    continuation.finish(throwing: error)
                }
            },
            onEnd: { error in continuation.finish(throwing: error) })
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        // An idle timer a little above the server's own timeout: a silent dead connection ends
        // the watch, a healthy one is closed by the server first. (.infinity would crash.)
        sessionConfiguration.timeoutIntervalForRequest = TimeInterval(timeoutSeconds + 5)
        sessionConfiguration.httpAdditionalHeaders = ["User-Agent": configuration.userAgent, "Accept": "application/json"]
        let session = URLSession(configuration: sessionConfiguration, delegate: delegate, delegateQueue: nil)
        // Why a small list first, on the same session: FoundationNetworking keeps a socket's write
        // source armed after libcurl only wants to read, and a connected socket is always
        // writable, so a long response on a fresh connection spins a dispatch thread (about a
        // core per open watch, measured by bench/scale.sh; bench/scale-notes.md has the trace). A
        // request that reuses a connection curl has already let go of does not. One `limit=1`
        // list per watch start (every few minutes) buys an idle controller that is idle.
        var warmUpQuery = [URLQueryItem(name: "limit", value: "1")]
        if let labelSelector { warmUpQuery.append(URLQueryItem(name: "labelSelector", value: labelSelector)) }
        let warmUp = try self.request("GET", kind.path(namespace: namespace), query: warmUpQuery)
        let watchTask = WatchTaskHolder()
        let start: @Sendable () -> Void = {
            let task = session.dataTask(with: request)
            delegate.follow(task)
            // Not started when the consumer left during the warm-up.
            guard watchTask.hold(task) else { return session.invalidateAndCancel() }
            task.resume()
        }
        // Only the task is cancelled here; the delegate invalidates the session once the task has
        // completed (invalidating while the cancel is in flight can trap in FoundationNetworking).
        continuation.onTermination = { _ in watchTask.cancel() }
        // Its answer does not matter: the watch reports its own errors.
        session.dataTask(with: warmUp) { _, _, _ in start() }.resume()
        return stream
    }

    private struct WatchLine: Decodable {
        struct Metadata: Decodable { var resourceVersion: String? }
        struct Header: Decodable { var metadata: Metadata? }
        var type: WatchEventType
        var object: Header?
    }

    private struct WatchObject<Object: Decodable>: Decodable {
        var object: Object
    }

    private struct StatusLine: Decodable {
        var object: KubernetesStatus
    }

    static func decodeWatchLine<Object: Decodable & Sendable>(_ line: Data, as type: Object.Type) throws -> WatchEvent<Object> {
        let decoder = JSONDecoder()
        let header: WatchLine
        do { header = try decoder.decode(WatchLine.self, from: line) } catch {
            throw KubernetesError.malformedResponse(message: "watch: undecodable event: \(String(decoding: line.prefix(300), as: UTF8.self))")
        }
        let resourceVersion = header.object?.metadata?.resourceVersion
        switch header.type {
        case .error:
            let status = try? decoder.decode(StatusLine.self, from: line).object
            let body = (try? JSONEncoder().encode(status)) ?? Data()
            throw KubernetesError.from(statusCode: status?.code ?? 500, body: body, retryAfterHeader: nil)
        case .bookmark:
            return WatchEvent(type: .bookmark, object: nil, resourceVersion: resourceVersion)
        case .added, .modified, .deleted:
            do {
                let object = try decoder.decode(WatchObject<Object>.self, from: line).object
                return WatchEvent(type: header.type, object: object, resourceVersion: resourceVersion)
            } catch {
                throw KubernetesError.malformedResponse(message: "watch: cannot decode \(Object.self): \(error)")
            }
        }
    }
}
