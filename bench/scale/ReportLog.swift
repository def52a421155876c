import FlowTestShared
import Synchronization

/// What the simulated agents' reports did: how many landed or failed, when the first was sent,
/// and when the last final report landed (the start of the wait for the verdict).
final class ReportLog: Sendable {
    struct Snapshot: Sendable {
        var landed = 0
        var failed = 0
        var finals = 0
        var firstSent: ContinuousClock.Instant?
        var lastFinalLanded: ContinuousClock.Instant?
        /// Round trips of the writes that landed, in seconds.
        var latencies: [Double] = []
    }

    private let state = Mutex(Snapshot())

    var snapshot: Snapshot { state.withLock { $0 } }

    /// When the first report was sent, and the last final report landed (cheap: no latencies).
    var progress: (firstSent: ContinuousClock.Instant?, lastFinalLanded: ContinuousClock.Instant?, finals: Int) {
        state.withLock { ($0.firstSent, $0.lastFinalLanded, $0.finals) }
    }

    func landed(sent: ContinuousClock.Instant, final: Bool) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.landed += 1
            state.firstSent = min(state.firstSent ?? sent, sent)
            state.latencies.append((now - sent).seconds)
            if final {
                state.finals += 1
                state.lastFinalLanded = max(state.lastFinalLanded ?? now, now)
            }
        }
    }

    func failed() {
        state.withLock { $0.failed += 1 }
    }
}
