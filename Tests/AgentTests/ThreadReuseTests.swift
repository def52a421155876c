import FlowTestShared
import Foundation
import Synchronization
import Testing
@testable import FlowTestAgent

/// Latency mode keeps its threads from one flow or connection to the next (`FlowThreadPool`,
/// `ThreadedTCPEchoListener`), so that a connection-rate test measures connections rather than
/// thread creation; and it still holds to its limits.
@Suite("Latency mode's threads: kept, reused, within their limits", .serialized, .timeLimit(.minutes(2)))
struct ThreadReuseTests {
    /// A count the pool's work adds to, and a test waits on (bounded).
    final class Tally: Sendable {
        private let count = Atomic<Int>(0)
        func add() { count.wrappingAdd(1, ordering: .relaxed) }
        var value: Int { count.load(ordering: .relaxed) }

        func wait(for target: Int, _ what: String) async throws {
            let deadline = ContinuousClock.now + .seconds(20)
            while value < target {
                guard ContinuousClock.now < deadline else { throw HarnessTimeout(description: "\(what): \(value) of \(target)") }
                try await Task.sleep(for: .milliseconds(2))
            }
        }
    }

    /// A gate the pool's work blocks on until the test opens it.
    final class Gate: Sendable {
        private let open = Atomic<Bool>(false)
        func pass() { while !open.load(ordering: .acquiring) { usleep(500) } }
        func release() { open.store(true, ordering: .releasing) }
    }

    static func waitUntil(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw HarnessTimeout(description: what) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Flows one after another run on the threads already there: far fewer threads than flows.
    @Test func flowsOneAfterAnotherReuseTheirThreads() async throws {
        let pool = FlowThreadPool(limit: 64)
        let done = Tally()
        for flow in 1...200 {
            pool.run { done.add() }
            try await done.wait(for: flow, "flow \(flow)")
        }
        // One thread would do; one more may start while the first is still on its way back from a
        // flow (it is then not yet idle), but never one per flow.
        #expect(pool.threadCount <= 8, "\(pool.threadCount) threads for 200 flows, one at a time")
        pool.shutdown()
        try await Self.waitUntil("the pool's threads end after shutdown") { pool.threadCount == 0 }
    }

    /// Flows open at once each get a thread up to the limit; beyond it they wait for one, and all
    /// of them run.
    @Test(arguments: [(limit: 16, flows: 8), (limit: 4, flows: 8)])
    func openFlowsGetAThreadEachUpToTheLimit(limit: Int, flows: Int) async throws {
        let pool = FlowThreadPool(limit: limit)
        let gate = Gate()
        let started = Tally()
        let done = Tally()
        for _ in 0..<flows {
            pool.run {
                started.add()
                gate.pass()
                done.add()
            }
        }
        try await started.wait(for: min(limit, flows), "flows running at once")
        #expect(pool.threadCount == min(limit, flows))
        #expect(started.value == min(limit, flows), "no more flows run at once than the pool has threads")
        gate.release()
        try await done.wait(for: flows, "every flow, those that waited too")
        #expect(pool.threadCount == min(limit, flows))
        pool.shutdown()
        try await Self.waitUntil("the pool's threads end after shutdown") { pool.threadCount == 0 }
    }

    /// Short connections one after another are served by the echo's kept threads.
    @Test func theThreadedEchoServesConnectionsOnKeptThreads() async throws {
        let counters = EchoListenerCounters(transport: .tcp)
        let listener = try ThreadedTCPEchoListener.start(host: "127.0.0.1", ipv6Only: false, port: 0, counters: counters)
        for index in 0..<100 {
            do {
                let socket = try TestSocket.tcp(listener.port)
                let bytes = [UInt8(index), 1, 2, 3]
                try socket.send(bytes)
                #expect(try socket.receive(exactly: bytes.count) == bytes)
            }
            // One after another means after the echo has seen the last one close: on a loaded
            // machine a connection that comes first finds its thread still busy and takes a new one.
            try await Self.waitUntil("connection \(index) closed at the echo") { counters.connectionsActive.load(ordering: .relaxed) == 0 }
        }
        #expect(counters.connectionsAccepted.load(ordering: .relaxed) == 100)
        #expect(listener.threadCount <= 8, "\(listener.threadCount) threads for 100 connections, one at a time")
        await listener.close()
    }

    /// Beyond its limit (here `--max-connections 2`) the threaded echo closes a connection at once
    /// and counts it refused; once one closes, the next is served again.
    @Test func theThreadedEchoRefusesBeyondItsLimit() async throws {
        let counters = EchoListenerCounters(transport: .tcp)
        let listener = try ThreadedTCPEchoListener.start(host: "127.0.0.1", ipv6Only: false, port: 0, counters: counters, limit: 2)
        var held = [try TestSocket.tcp(listener.port), try TestSocket.tcp(listener.port)]
        for (index, socket) in held.enumerated() {
            try socket.send([UInt8(index)])
            #expect(try socket.receive(exactly: 1) == [UInt8(index)])
        }
        let third = try TestSocket.tcp(listener.port)
        #expect(try third.receiveOnce().isEmpty, "closed at once: the read sees end of stream")
        #expect(counters.connectionsRefused.load(ordering: .relaxed) == 1)
        held.removeLast()
        try await Self.waitUntil("the closed connection's end seen at the echo") { counters.connectionsActive.load(ordering: .relaxed) == 1 }
        let fourth = try TestSocket.tcp(listener.port)
        try fourth.send([4])
        #expect(try fourth.receive(exactly: 1) == [4])
        #expect(counters.connectionsAccepted.load(ordering: .relaxed) == 3)
        #expect(listener.threadCount <= 3, "the limit's worth of threads and the one that refuses")
        await listener.close()
    }
}
