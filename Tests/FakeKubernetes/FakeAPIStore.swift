import FlowTestShared
import Foundation
import NIOCore
import Synchronization

/// The fake API server's state and its REST semantics, faithful to the recorded responses in
/// shared/kube-apiserver-fixtures where FlowTest depends on them: one resourceVersion counter for
/// all kinds, generation bumped only by spec changes, status only through `/status`, merge patch
/// semantics, 409 AlreadyExists vs Conflict, 410 after compaction, owner-reference garbage
/// collection, and schema defaulting and validation of the custom resources (FlowTests and
/// FlowTestReports, `FakeCustomKind`) with their CRDs' own schemas.
/// Built-in kinds (pods, services, events, leases, RBAC) are decoded, defaulted and validated
/// as kube-apiserver does them (`FakeBuiltinValidation`): what the real server refuses, the
/// fake refuses too, with the same status and words.
public final class FakeAPIStore: Sendable {
    struct Key: Hashable, Comparable {
        var resource: String
        var namespace: String
        var name: String

        static func < (a: Key, b: Key) -> Bool { (a.namespace, a.name) < (b.namespace, b.name) }
    }

    struct Event {
        var revision: Int
        var key: Key
        var line: Data
        var labels: [String: String]
    }

    struct State {
        var objects: [Key: JSONValue] = [:]
        var revision = 100
        var events: [Event] = []
        /// Watches from a revision below this get 410 Expired (simulated compaction).
        var compactedBelow = 0
        var faults: [(method: String?, status: Int, retryAfter: Int?)] = []
        var validTokens: Set<String>?
        /// What the tokens a test gave rules to may grant in Roles and RoleBindings.
        var holders: [String: FakeRBACEscalation.Holder] = [:]
        var requests: [FakeAPIRequest] = []
        var watches: [UUID: FakeWatchSink] = [:]
        /// While false, requests get no answer (an apiserver that is away: killed, partitioned).
        var answering = true
        /// Connections whose request arrived while not answering; closed unanswered on resume.
        var held: [any Channel] = []
        /// Stop answering once a request with this method and path has been answered.
        var awayAfter: (method: String, path: String)?
        /// The items of paged lists, by revision, route and selectors: later pages are cut from them.
        var listSnapshots: [String: [(key: Key, value: JSONValue)]] = [:]
        var listSnapshotOrder: [String] = []
        /// Write requests and body bytes received per object (`writeStatistics`).
        var writeStatistics: [Key: FakeWriteStatistics] = [:]
    }

    let state = Mutex(State())

    public init(validTokens: Set<String>? = nil) {
        state.withLock { $0.validTokens = validTokens }
    }

    // MARK: Test controls

    /// Makes the next `count` requests (of `method`, or any) fail with `status` (429 or 5xx).
    public func injectFailures(_ count: Int, status: Int, retryAfter: Int? = nil, method: String? = nil) {
        state.withLock { $0.faults += Array(repeating: (method, status, retryAfter), count: count) }
    }

    /// Stops answering, as an apiserver that is killed or cut off: open watches end, and every
    /// request from now on waits unanswered (and is never applied) until `resumeAnswering`.
    public func stopAnswering() {
        state.withLock { $0.answering = false }
        dropWatches()
    }

    /// Stops answering right after answering `method path`: an outage at an exact moment, such
    /// as the controller's stopping an echo pod, whose final report then meets it.
    public func stopAnswering(after method: String, _ path: String) {
        state.withLock { $0.awayAfter = (method, path) }
    }

    /// Answers again; the requests held meanwhile are dropped with their connections, as a
    /// client of a restarted apiserver sees them.
    public func resumeAnswering() {
        let held = state.withLock { state -> [any Channel] in
            state.answering = true
            defer { state.held = [] }
            return state.held
        }
        for channel in held { channel.close(promise: nil) }
    }

    /// Requests waiting unanswered now.
    public var heldRequests: Int {
        state.withLock { $0.held.count }
    }

    /// Holds `channel` unanswered when the server is not answering; false when it answers.
    func holdIfAway(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard !state.answering else { return false }
            state.held.append(channel)
            return true
        }
    }

    /// Forgets history below the current revision, as an etcd compaction plus restart does.
    public func compact() {
        state.withLock { $0.compactedBelow = $0.revision + 1 }
    }

    /// Gives `token` the RBAC rules of `user`: a Role or RoleBinding it creates that would grant
    /// more is refused with 403, as kube-apiserver's escalation prevention refuses it.
    public func grant(token: String, user: String, rules: [FakePolicyRule]) {
        state.withLock { $0.holders[token] = FakeRBACEscalation.Holder(user: user, rules: rules) }
    }

    /// Replaces the accepted bearer tokens (token rotation).
    public func acceptTokens(_ tokens: Set<String>) {
        state.withLock { $0.validTokens = tokens }
    }

    /// Ends every open watch now, as a server restart or a broken connection would.
    public func dropWatches() {
        let sinks = state.withLock { state -> [FakeWatchSink] in
            defer { state.watches = [:] }
            return Array(state.watches.values)
        }
        for sink in sinks { sink.end() }
    }

    /// Watch streams currently open.
    public var openWatches: Int {
        state.withLock { $0.watches.count }
    }

    /// Requests received, oldest first.
    public var requests: [FakeAPIRequest] {
        state.withLock { $0.requests }
    }

    /// The stored object, as JSON.
    public func object(_ kind: ResourceKind, namespace: String, name: String) -> JSONValue? {
        state.withLock { $0.objects[Key(resource: "\(kind.group)/\(kind.version)/\(kind.plural)", namespace: namespace, name: name)] }
    }

    /// Stored objects of a kind in a namespace.
    public func objects(_ kind: ResourceKind, namespace: String) -> [JSONValue] {
        let resource = "\(kind.group)/\(kind.version)/\(kind.plural)"
        return state.withLock { state in
            state.objects.filter { $0.key.resource == resource && $0.key.namespace == namespace }.sorted { $0.key < $1.key }.map(\.value)
        }
    }

    static func encode(_ value: JSONValue) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data()
    }

    static func now() -> String {
        Date().ISO8601Format()
    }
}
