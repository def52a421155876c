import FakeKubernetes
import FlowTestShared
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Kubernetes client against the fake API server", .serialized)
struct KubernetesClientTests {
    static func flowTest(_ name: String, rate: Int64 = 10) -> FlowTest {
        FlowTest(metadata: ObjectMeta(name: name), spec: FlowTestSpec(flows: FlowsSpec(rate: rate)))
    }

    private func withServer(validTokens: Set<String>? = nil, _ body: (FakeAPIServer, KubernetesClient) async throws -> Void) async throws {
        let server = try await FakeAPIServer.start(validTokens: validTokens)
        let client = KubernetesClient(configuration: server.configuration(namespace: "team"), retry: .init(attempts: 4, initialBackoff: .milliseconds(20)))
        do { try await body(server, client) } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func everyOperationOnAFlowTest() async throws {
        try await withServer { server, client in
            let created = try await client.create(.flowTests, namespace: "team", Self.flowTest("ft-a"))
            #expect(created.metadata.generation == 1)
            #expect(created.metadata.uid != nil && created.metadata.resourceVersion != nil)
            // The API server applied the CRD's defaults.
            #expect(created.spec.flows.maxConcurrent == 100 && created.spec.duration == "60s")

            let fetched: FlowTest = try await client.get(.flowTests, namespace: "team", name: "ft-a")
            #expect(fetched == created)

            // A spec change bumps the generation; a status patch does not, and cannot change the spec.
            let patched: FlowTest = try await client.mergePatch(.flowTests, namespace: "team", name: "ft-a", .object(["spec": .object(["flows": .object(["rate": 20])])]))
            #expect(patched.spec.flows.rate == 20 && patched.metadata.generation == 2)
            let statusPatch: JSONValue = .object(["status": .object(["phase": "Pending", "observedGeneration": 2]), "spec": .object(["flows": .object(["rate": 99])])])
            let withStatus: FlowTest = try await client.mergePatch(.flowTests, namespace: "team", name: "ft-a", statusPatch, subresource: "status")
            #expect(withStatus.status?.phase == .pending)
            #expect(withStatus.spec.flows.rate == 20 && withStatus.metadata.generation == 2)

            // The main resource ignores status.
            let ignored: FlowTest = try await client.mergePatch(.flowTests, namespace: "team", name: "ft-a", .object(["status": .object(["phase": "Failed"])]))
            #expect(ignored.status?.phase == .pending)

            // PUT with a stale resourceVersion: Conflict; with the current one: accepted.
            var stale = created
            stale.spec.flows.rate = 30
            await #expect(throws: KubernetesError.self) {
                do { _ = try await client.replace(.flowTests, namespace: "team", name: "ft-a", stale) } catch {
                    guard case KubernetesError.conflict = error else { throw error }
                    throw error
                }
            }
            var current = ignored
            current.spec.flows.rate = 30
            let replaced = try await client.replace(.flowTests, namespace: "team", name: "ft-a", current)
            #expect(replaced.spec.flows.rate == 30 && replaced.metadata.generation == 3)

            try await client.delete(.flowTests, namespace: "team", name: "ft-a")
            await #expect(throws: KubernetesError.notFound(message: #"flowtests.flowtest.dev "ft-a" not found"#)) {
                let _: FlowTest = try await client.get(.flowTests, namespace: "team", name: "ft-a")
            }
            await #expect(throws: KubernetesError.notFound(message: #"flowtests.flowtest.dev "ft-a" not found"#)) {
                try await client.delete(.flowTests, namespace: "team", name: "ft-a")
            }
        }
    }

    @Test func theSpecCannotChangeOnceTheTestHasStarted() async throws {
        try await withServer { _, client in
            _ = try await client.create(.flowTests, namespace: "team", Self.flowTest("started"))
            let running: JSONValue = .object(["status": .object(["phase": "Running"])])
            let _: FlowTest = try await client.mergePatch(.flowTests, namespace: "team", name: "started", running, subresource: "status")
            do {
                let _: FlowTest = try await client.mergePatch(.flowTests, namespace: "team", name: "started", .object(["spec": .object(["flows": .object(["rate": 50])])]))
                Issue.record("a started test's spec changed")
            } catch {
                guard case KubernetesError.invalid(let message, let causes) = error else { throw error }
                #expect(causes.map(\.field) == ["spec"])
                #expect(message.contains("spec cannot change once the test has started; delete the FlowTest and create it again"))
            }
            // Labels and the status may still change.
            let _: FlowTest = try await client.mergePatch(.flowTests, namespace: "team", name: "started", .object(["metadata": .object(["labels": .object(["team": "net"])])]))
        }
    }

    @Test func createConflictsAndInvalidSpecsAreTyped() async throws {
        try await withServer { _, client in
            _ = try await client.create(.flowTests, namespace: "team", Self.flowTest("dup"))
            await #expect(throws: KubernetesError.alreadyExists(message: #"flowtests.flowtest.dev "dup" already exists"#)) {
                _ = try await client.create(.flowTests, namespace: "team", Self.flowTest("dup"))
            }
            do {
                _ = try await client.create(.flowTests, namespace: "team", Self.flowTest("bad", rate: 0))
                Issue.record("rate 0 was accepted")
            } catch {
                guard case KubernetesError.invalid(_, let causes) = error else { throw error }
                #expect(causes.map(\.field) == ["spec.flows.rate"])
            }
        }
    }

    @Test func listsPageWithContinueTokens() async throws {
        try await withServer { _, client in
            for index in 1...5 { _ = try await client.create(.flowTests, namespace: "team", Self.flowTest("ft-\(index)")) }
            _ = try await client.create(.flowTests, namespace: "other", Self.flowTest("elsewhere"))
            let first: ListPage<FlowTest> = try await client.list(.flowTests, namespace: "team", limit: 2)
            #expect(first.items.map(\.metadata.name) == ["ft-1", "ft-2"])
            #expect(first.remainingItemCount == 3)
            let second: ListPage<FlowTest> = try await client.list(.flowTests, namespace: "team", limit: 2, continueToken: first.continueToken)
            #expect(second.items.map(\.metadata.name) == ["ft-3", "ft-4"])
            let all: ListPage<FlowTest> = try await client.listAll(.flowTests, namespace: "team", pageSize: 2)
            #expect(all.items.count == 5)
            let everywhere: ListPage<FlowTest> = try await client.listAll(.flowTests, namespace: nil)
            #expect(everywhere.items.count == 6)
        }
    }

    /// As kube-apiserver pages a list (fixture 10): every page is cut from the first page's
    /// snapshot and carries its resourceVersion, so a watch from there replays what changed while
    /// the pages were read. (The fake once served later pages from the present with the present's
    /// revision: a relisting controller lost the final reports written between its pages.)
    @Test func aListsPagesAreOneSnapshotAndItsWatchReplaysWhatChangedBetweenThem() async throws {
        try await withServer { server, client in
            for index in 1...4 { _ = try await client.create(.flowTests, namespace: "team", Self.flowTest("ft-\(index)")) }
            let first: ListPage<FlowTest> = try await client.list(.flowTests, namespace: "team", limit: 2)
            let token = try #require(first.continueToken)
            // The token is shaped as the real one: unpadded base64url JSON naming the revision and the last key.
            let base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            let padded = base64 + String(repeating: "=", count: (4 - base64.count % 4) % 4)
            let decoded = try JSONDecoder().decode(JSONValue.self, from: try #require(Data(base64Encoded: padded)))
            #expect(decoded["v"]?.string == "meta.k8s.io/v1" && decoded["start"]?.string == "/ft-2\u{0}" && decoded["rv"] == .integer(Int64(first.resourceVersion)!))
            let _: FlowTest = try await client.mergePatch(.flowTests, namespace: "team", name: "ft-1", .object(["spec": .object(["flows": .object(["rate": 7])])]))
            let _: FlowTest = try await client.mergePatch(.flowTests, namespace: "team", name: "ft-3", .object(["spec": .object(["flows": .object(["rate": 8])])]))
            try await client.delete(.flowTests, namespace: "team", name: "ft-4")
            _ = try await client.create(.flowTests, namespace: "team", Self.flowTest("ft-5"))
            let second: ListPage<FlowTest> = try await client.list(.flowTests, namespace: "team", limit: 2, continueToken: token)
            #expect(second.resourceVersion == first.resourceVersion && second.continueToken == nil)
            #expect(second.items.map(\.metadata.name) == ["ft-3", "ft-4"] && second.items.map(\.spec.flows.rate) == [10, 10])
            // A list started now shows the present; a watch from the first page's version replays
            // every change made since, those made between its pages too.
            let all: ListPage<FlowTest> = try await client.listAll(.flowTests, namespace: "team", pageSize: 2)
            #expect(all.items.map(\.metadata.name) == ["ft-1", "ft-2", "ft-3", "ft-5"])
            let events: AsyncThrowingStream<WatchEvent<FlowTest>, any Error> = try client.watch(
                .flowTests, namespace: "team", resourceVersion: first.resourceVersion, timeoutSeconds: 2)
            var seen: [String] = []
            for try await event in events where event.type != .bookmark { seen.append("\(event.type.rawValue) \(event.object?.metadata.name ?? "")") }
            #expect(seen == ["MODIFIED ft-1", "MODIFIED ft-3", "DELETED ft-4", "ADDED ft-5"])
            // A token older than the compaction is refused with 410, as the real server refuses it.
            server.store.compact()
            do {
                let _: ListPage<FlowTest> = try await client.list(.flowTests, namespace: "team", limit: 2, continueToken: token)
                Issue.record("a continue token older than the compaction was answered")
            } catch KubernetesError.gone(let message) {
                #expect(message.hasPrefix("The provided continue parameter is too old"))
            } catch {
                Issue.record("an expired continue token gave \(error), not 410")
            }
        }
    }

    @Test func aWatchStreamsChangesThenABookmarkThenEnds() async throws {
        try await withServer { _, client in
            let start: ListPage<FlowTest> = try await client.list(.flowTests, namespace: "team")
            let events: AsyncThrowingStream<WatchEvent<FlowTest>, any Error> = try client.watch(
                .flowTests, namespace: "team", resourceVersion: start.resourceVersion, timeoutSeconds: 2)
            _ = try await client.create(.flowTests, namespace: "team", Self.flowTest("w"))
            let _: FlowTest = try await client.mergePatch(.flowTests, namespace: "team", name: "w", .object(["spec": .object(["flows": .object(["rate": 5])])]))
            try await client.delete(.flowTests, namespace: "team", name: "w")
            var seen: [WatchEventType] = []
            for try await event in events { seen.append(event.type) }
            #expect(seen == [.added, .modified, .deleted, .bookmark])
        }
    }

    /// Open watches with nothing to say cost nothing: FoundationNetworking left a write source
    /// armed on a fresh connection's socket, and each open watch spun a dispatch thread (a whole
    /// core for the controller's three, bench/scale-notes.md). CPU time, not wall time, so a
    /// busy machine does not change what is measured.
    @Test func idleWatchesCostNoCPU() async throws {
        try await withServer { server, client in
            var consumers: [Task<Void, any Error>] = []
            for kind in [ResourceKind.flowTests, .pods, .flowTestReports] {
                let events: AsyncThrowingStream<WatchEvent<JSONValue>, any Error> = try client.watch(kind, namespace: "team", resourceVersion: nil, timeoutSeconds: 60)
                consumers.append(Task { for try await _ in events {} })
            }
            for _ in 0..<200 where server.store.openWatches < 3 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.store.openWatches == 3)
            let before = Self.processCPUSeconds()
            try await Task.sleep(for: .seconds(3))
            let spent = Self.processCPUSeconds() - before
            for consumer in consumers { consumer.cancel() }
            #expect(spent < 0.6, "\(spent) CPU seconds in 3 s of three idle watches")
        }
    }

    /// User and system CPU seconds of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let seconds = { (time: timeval) in Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    @Test func stoppingTheConsumerClosesTheWatchAtOnce() async throws {
        try await withServer { server, client in
            let events: AsyncThrowingStream<WatchEvent<FlowTest>, any Error> = try client.watch(
                .flowTests, namespace: "team", resourceVersion: nil, timeoutSeconds: 60)
            let consumer = Task { for try await _ in events {} }
            // Wait until the server holds the stream open.
            for _ in 0..<100 where server.store.openWatches == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.store.openWatches == 1)
            let cancelled = ContinuousClock.now
            consumer.cancel()
            _ = await consumer.result
            for _ in 0..<100 where server.store.openWatches > 0 { try await Task.sleep(for: .milliseconds(5)) }
            #expect(server.store.openWatches == 0)
            #expect(ContinuousClock.now - cancelled < .seconds(1))
        }
    }

    @Test func aWatchFromACompactedVersionThrowsGone() async throws {
        try await withServer { server, client in
            let start: ListPage<FlowTest> = try await client.list(.flowTests, namespace: "team")
            _ = try await client.create(.flowTests, namespace: "team", Self.flowTest("x"))
            server.store.compact()
            let events: AsyncThrowingStream<WatchEvent<FlowTest>, any Error> = try client.watch(
                .flowTests, namespace: "team", resourceVersion: start.resourceVersion, timeoutSeconds: 5)
            await #expect(throws: KubernetesError.self) {
                do { for try await _ in events {} } catch {
                    guard case KubernetesError.gone = error else { throw error }
                    throw error
                }
            }
        }
    }

    @Test func throttlingAndServerErrorsAreRetriedOthersAreNot() async throws {
        try await withServer { server, client in
            _ = try await client.create(.flowTests, namespace: "team", Self.flowTest("r"))
            server.store.injectFailures(1, status: 429, retryAfter: 1, method: "GET")
            server.store.injectFailures(1, status: 503, method: "GET")
            let started = ContinuousClock.now
            let _: FlowTest = try await client.get(.flowTests, namespace: "team", name: "r")
            #expect(ContinuousClock.now - started >= .seconds(1), "waited for Retry-After")
            let gets = server.store.requests.filter { $0.method == "GET" }.count
            #expect(gets == 3)
            // Exhausted attempts surface the throttling, with its Retry-After.
            server.store.injectFailures(4, status: 429, retryAfter: 0, method: "GET")
            await #expect(throws: KubernetesError.tooManyRequests(message: "Too many requests, please try again later.", retryAfter: .zero)) {
                let _: FlowTest = try await client.get(.flowTests, namespace: "team", name: "r")
            }
            // A 404 is an answer, not a failure to retry.
            let before = server.store.requests.count
            await #expect(throws: KubernetesError.self) { let _: FlowTest = try await client.get(.flowTests, namespace: "team", name: "nope") }
            #expect(server.store.requests.count == before + 1)
        }
    }

    @Test func aRotatedTokenIsPickedUpFromItsFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try "first-token\n".write(to: file, atomically: true, encoding: .utf8)
        let server = try await FakeAPIServer.start(validTokens: ["first-token"])
        let client = KubernetesClient(configuration: server.configuration(token: .file(file.path, rereadAfter: .zero)))
        _ = try await client.create(.flowTests, namespace: "team", Self.flowTest("t"))
        // The kubelet rotates the token; the server stops accepting the old one.
        try "second-token\n".write(to: file, atomically: true, encoding: .utf8)
        server.store.acceptTokens(["second-token"])
        let _: FlowTest = try await client.get(.flowTests, namespace: "team", name: "t")
        #expect(server.store.requests.last?.authorization == "Bearer second-token")
        // A wrong token is Unauthorized, as the real server words it.
        let stranger = KubernetesClient(configuration: server.configuration(token: .fixed("wrong")))
        await #expect(throws: KubernetesError.unauthorized(message: "Unauthorized")) {
            let _: FlowTest = try await stranger.get(.flowTests, namespace: "team", name: "t")
        }
        await server.stop()
    }
}
