import FakeKubernetes
import FlowTestShared
import Foundation
import Synchronization
import Testing

@Suite("List and watch: resume after the stream closes, relist after 410", .serialized)
struct ResourceWatcherTests {
    /// What the watcher delivered, in order, readable from the test.
    final class Recorder: Sendable {
        let updates = Mutex<[String]>([])

        func record(_ update: ResourceWatcher<FlowTest>.Update) {
            let line =
                switch update {
                case .listed(let items): "listed " + items.compactMap(\.metadata.name).sorted().joined(separator: ",")
                case .added(let object): "added \(object.metadata.name ?? "")"
                case .modified(let object): "modified \(object.metadata.name ?? "")"
                case .deleted(let object): "deleted \(object.metadata.name ?? "")"
                }
            updates.withLock { $0.append(line) }
        }

        func waitFor(_ line: String, timeout: Duration = .seconds(10)) async throws {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if updates.withLock({ $0.contains(line) }) { return }
                try await Task.sleep(for: .milliseconds(20))
            }
            Issue.record("never saw \"\(line)\"; saw \(updates.withLock { $0 })")
        }
    }

    @Test func changesMadeWhileDisconnectedAreNotMissed() async throws {
        let server = try await FakeAPIServer.start()
        let client = KubernetesClient(configuration: server.configuration())
        _ = try await client.create(.flowTests, namespace: "ns", FlowTest(metadata: ObjectMeta(name: "before"), spec: FlowTestSpec(flows: FlowsSpec(rate: 1))))
        let recorder = Recorder()
        let restarts = Mutex<[Bool]>([])
        var watcher = ResourceWatcher<FlowTest>(client: client, kind: .flowTests, namespace: "ns")
        watcher.relistBackoff = .milliseconds(10)
        watcher.onRestart = { relisted in restarts.withLock { $0.append(relisted) } }
        let running = Task { await watcher.run { recorder.record($0) } }
        try await recorder.waitFor("listed before")
        // Cut the stream only once it is open: right after the list, the watcher may still be on
        // its warm-up request, and a cut then cuts nothing (seen once in a CI run on a busy machine).
        let opened = ContinuousClock.now + .seconds(10)
        while server.store.openWatches == 0, ContinuousClock.now < opened { try await Task.sleep(for: .milliseconds(10)) }
        try #require(server.store.openWatches == 1, "the watcher never opened its watch")

        // The stream is cut: the watcher resumes from its resourceVersion, without relisting,
        // and sees what was created in between.
        server.store.dropWatches()
        _ = try await client.create(.flowTests, namespace: "ns", FlowTest(metadata: ObjectMeta(name: "during-cut"), spec: FlowTestSpec(flows: FlowsSpec(rate: 1))))
        try await recorder.waitFor("added during-cut")
        #expect(restarts.withLock { $0 } == [true, false])

        // History is compacted and the stream cut again: resuming gets 410, so it relists.
        _ = try await client.create(.flowTests, namespace: "ns", FlowTest(metadata: ObjectMeta(name: "after-compaction"), spec: FlowTestSpec(flows: FlowsSpec(rate: 1))))
        try await recorder.waitFor("added after-compaction")
        server.store.compact()
        server.store.dropWatches()
        try await client.delete(.flowTests, namespace: "ns", name: "before")
        try await recorder.waitFor("listed after-compaction,during-cut")
        // At least one relist after the first list. More when the relist came before the delete:
        // the fake compacts the current revision too, so a watch from it is also 410 until the
        // next write (a busy machine showed 4).
        #expect(restarts.withLock { $0 }.filter { $0 }.count >= 2)

        running.cancel()
        await running.value
        await server.stop()
    }
}
