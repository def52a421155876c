import Synchronization

/// How many more flows a run with `--flow-count` may start, shared by the pacers of every loop.
///
/// Each loop's pacer claims a flow before launching it, so the count is exact however the loops
/// interleave; an arrival the random pattern skips at `maxConcurrent` claims nothing.
final class FlowCountBudget: Sendable {
    private let limit: UInt64?
    private let claimed = Atomic<UInt64>(0)

    init(limit: UInt64?) {
        self.limit = limit
    }

    /// Claims one flow; false once the limit is reached.
    func claim() -> Bool {
        guard let limit else { return true }
        guard claimed.wrappingAdd(1, ordering: .relaxed).newValue <= limit else {
            claimed.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Whether every flow has been claimed, so no pacer needs to wait for its next arrival.
    var isSpent: Bool {
        guard let limit else { return false }
        return claimed.load(ordering: .relaxed) >= limit
    }
}
