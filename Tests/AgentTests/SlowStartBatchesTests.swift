import Synchronization
import Testing
@testable import FlowTestController

/// Pods are created and deleted in slow-start batches: 1, 2, 4… up to the most at a time, and an
/// error stops it after its batch (a quota refusing pods costs one small batch, not a thousand calls).
@Suite("Controller: slow-start batches of API calls")
struct SlowStartBatchesTests {
    final class Record: Sendable {
        let started = Mutex<[Int]>([])
        let running = Mutex((now: 0, most: 0))
    }

    @Test func batchesDoubleUpToTheMostAtATime() async throws {
        let record = Record()
        try await SlowStartBatches.run(Array(0..<200), maximumBatch: 16) { item in
            record.started.withLock { $0.append(item) }
            record.running.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            try await Task.sleep(for: .milliseconds(2))
            record.running.withLock { $0.now -= 1 }
        }
        #expect(Set(record.started.withLock { $0 }) == Set(0..<200), "every item once")
        #expect(record.started.withLock { $0 }.count == 200)
        #expect(record.running.withLock { $0.most } <= 16)
    }

    struct Refused: Error {}

    @Test func anErrorStopsItAfterItsBatch() async throws {
        let record = Record()
        await #expect(throws: Refused.self) {
            try await SlowStartBatches.run(Array(0..<1000)) { item in
                record.started.withLock { $0.append(item) }
                if item == 5 { throw Refused() }
            }
        }
        // Batches 1, 2 and 4 (items 0…6): the one holding item 5 is the last begun.
        let started = record.started.withLock { $0 }
        #expect(started.allSatisfy { $0 < 7 } && started.contains(5), "\(started.sorted())")
    }
}
