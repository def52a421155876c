import FlowTestShared
import Foundation

/// A watch the fake must serve: what to send first and how long to keep the stream open.
struct FakeWatchRequest: Sendable {
    var route: FakeAPIRoute
    var selector: FakeSelector
    /// Events from the store's history to send before live ones.
    var backlog: [Data]
    /// If set, the stream is a single ERROR event with this body, then ends (410 Expired).
    var expired: Data?
    var startRevision: Int
    /// The store's revision when the backlog was taken; later events reach the watch live.
    var coveredRevision: Int
    var timeout: Duration
    var bookmarks: Bool
}
