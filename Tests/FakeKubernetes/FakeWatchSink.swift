import FlowTestShared
import Foundation
import Synchronization

/// Where a live watch's events go.
struct FakeWatchSink: Sendable {
    let route: FakeAPIRoute
    let selector: FakeSelector
    let send: @Sendable (Data) -> Void
    let end: @Sendable () -> Void
}
