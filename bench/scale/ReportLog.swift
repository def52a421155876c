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
        /// Agents whose first report (the create) has landed, and when the last of them did:
        /// from then on every agent reports (pods are created one after another).
        var started = 0
        var lastStarted: ContinuousClock.Instant?
        var lastFinalLanded: ContinuousClock.Instant?
        /// Round trips of the writes that landed, in seconds.
        var latencies: [Double] = []
    }

    private let state = Mutex(Snapshot())

    var snapshot: Snapshot { state.withLock { $0 } }

    /// When the first report was sent, and the last final report landed (cheap: no latencies).
    var progress: (firstSent: ContinuousClock.Instant?, lastFinalLanded: ContinuousClock.Instant?, started: Int, lastStarted: ContinuousClock.Instant?, finals: Int) {
        state.withLock { ($0.firstSent, $0.lastFinalLanded, $0.started, $0.lastStarted, $0.finals) }
    }

    func landed(sent: ContinuousClock.Instant, first: Bool, final: Bool) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.landed += 1
            state.firstSent = min(state.firstSent ?? sent, sent)
            state.latencies.append((now - sent).seconds)
            if first {
                state.started += 1
                state.lastStarted = now
            }
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
