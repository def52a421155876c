import FlowTestShared
import Foundation

extension FakeAPIStore {
    /// Prepares a watch: the backlog after the requested revision, or a 410 if it was compacted.
    func watch(_ route: FakeAPIRoute, query: [String: String], selector: FakeSelector) -> FakeAPIResponse {
        let timeout = Duration.seconds(query["timeoutSeconds"].flatMap(Int.init) ?? 1800)
        let bookmarks = query["allowWatchBookmarks"] == "true"
        return state.withLock { state -> FakeAPIResponse in
            let requested = query["resourceVersion"].flatMap(Int.init)
            var request = FakeWatchRequest(
                route: route, selector: selector, backlog: [], expired: nil, startRevision: state.revision,
                coveredRevision: state.revision, timeout: timeout, bookmarks: bookmarks)
            if let requested, requested < state.compactedBelow {
                // Fixture 14: HTTP 200, then one ERROR event carrying a 410 Status, then the end.
                let status: JSONValue = .object([
                    "kind": "Status", "apiVersion": "v1", "metadata": .object([:]), "status": "Failure",
                    "message": .string("too old resource version: \(requested) (\(state.compactedBelow))"), "reason": "Expired", "code": 410,
                ])
                request.expired = Self.encode(.object(["type": "ERROR", "object": status])) + Data("\n".utf8)
                return .watch(request)
            }
            let matching = { (key: Key, labels: [String: String]) in Self.watch(route, selector, sees: key, labels) }
            if let requested {
                request.startRevision = requested
                request.backlog = state.events.filter { $0.revision > requested && matching($0.key, $0.labels) }.map(\.line)
            } else {
                // No resourceVersion: "start at most recent", beginning with every current object as ADDED.
                request.backlog = state.objects.filter { matching($0.key, Self.labels(of: $0.value)) }.sorted { $0.key < $1.key }.map {
                    Self.encode(.object(["type": "ADDED", "object": $0.value])) + Data("\n".utf8)
                }
            }
            return .watch(request)
        }
    }

    /// Whether an event on `key`, whose object carries `labels`, belongs on a watch of `route`.
    static func watch(_ route: FakeAPIRoute, _ selector: FakeSelector, sees key: Key, _ labels: [String: String]) -> Bool {
        key.resource == route.resource && (route.namespace == nil || key.namespace == route.namespace) && selector.matches(key, labels: labels)
    }

    /// Registers a live watch whose backlog covered history up to `revision`; returns its id, to
    /// remove it when the stream ends.
    ///
    /// Writes that landed between taking the backlog and this registration are sent first, under
    /// the same lock that `record` sends under, so they arrive in order: a real server's watch
    /// never misses an event after its start (losing one here once left a controller test waiting
    /// for a FlowTest it was never told about).
    func register(_ sink: FakeWatchSink, after revision: Int) -> UUID {
        let id = UUID()
        state.withLock { state in
            for event in state.events where event.revision > revision && Self.watch(sink.route, sink.selector, sees: event.key, event.labels) {
                sink.send(event.line)
            }
            state.watches[id] = sink
        }
        return id
    }

    func unregister(_ id: UUID) {
        _ = state.withLock { $0.watches.removeValue(forKey: id) }
    }

    /// The BOOKMARK a watch sends shortly before its timeout, if anything newer than its start exists.
    func bookmark(for request: FakeWatchRequest) -> Data? {
        let revision = state.withLock { $0.revision }
        guard request.bookmarks, revision > request.startRevision else { return nil }
        let apiVersion = request.route.group.isEmpty ? "v1" : "\(request.route.group)/\(request.route.resource.split(separator: "/")[1])"
        let kind = FakeCustomKind(request.route)?.kind ?? request.route.plural
        let object: JSONValue = .object([
            "apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": .object(["resourceVersion": .string(String(revision))]),
        ])
        return Self.encode(.object(["type": "BOOKMARK", "object": object])) + Data("\n".utf8)
    }
}
