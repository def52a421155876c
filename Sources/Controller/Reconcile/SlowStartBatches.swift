/// Runs an API call for each item in batches that double from 1 up to `maximumBatch`, the way
/// Kubernetes' Job and ReplicaSet controllers create pods ("slow start"): a quota or admission
/// webhook that refuses pods fails the first small batch instead of a thousand calls, and calls
/// that succeed run many at a time (a thousand generator pods one after another took minutes of
/// round trips on a loaded apiserver). The first error ends it once its batch is over.
enum SlowStartBatches {
    static func run<Item: Sendable>(
        _ items: [Item], maximumBatch: Int = 32, _ work: @escaping @Sendable (Item) async throws -> Void
    ) async throws {
        var start = 0
        var size = 1
        while start < items.count {
            let batch = items[start..<min(start + size, items.count)]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for item in batch { group.addTask { try await work(item) } }
                try await group.waitForAll()
            }
            start += batch.count
            size = min(size * 2, maximumBatch)
        }
    }
}
