import Foundation
import Synchronization
import Testing
@testable import FakeKubernetes

/// The fake API server's watches, like the real server's, miss no event after their start, even
/// one written while the watch is being set up.
@Suite("Fake API server: watches miss nothing")
struct FakeWatchOrderingTests {
    @Test func aWriteBetweenBacklogAndRegistrationStillReachesTheWatch() throws {
        let store = FakeAPIStore()
        let route = try #require(FakeAPIRoute(path: "/api/v1/namespaces/team/services"))
        guard case .watch(let request) = store.watch(route, query: ["watch": "1"], selector: FakeSelector()) else {
            Issue.record("not a watch")
            return
        }
        #expect(request.backlog.isEmpty)
        // A write lands after the backlog was taken and before the stream is registered.
        let body = Data(#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"late"},"spec":{"ports":[{"port":80}]}}"#.utf8)
        _ = store.handle(method: "POST", path: "/api/v1/namespaces/team/services", query: [:], headers: [:], body: body)
        let received = Mutex<[String]>([])
        _ = store.register(
            FakeWatchSink(
                route: route, selector: FakeSelector(), send: { line in received.withLock { $0.append(String(decoding: line, as: UTF8.self)) } },
                end: {}),
            after: request.coveredRevision)
        let lines = received.withLock { $0 }
        #expect(lines.count == 1)
        #expect(lines.first?.contains(#""type":"ADDED""#) == true && lines.first?.contains("late") == true)
    }
}
