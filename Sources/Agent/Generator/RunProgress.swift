import Synchronization

/// When the run started and ended, and how evenly flows were started: flows per whole second.
///
/// Written by the pacers on the event loops; read by the monitor and the final report.
final class RunProgress: Sendable {
    struct Figures: Sendable {
        var startTime = ContinuousClock.now
        var endTime: ContinuousClock.Instant?
        /// Offset of the last flow start from the run's start.
        var lastStart: Duration = .zero
        /// Flows started in each whole second of the run.
        var startsPerSecond: [UInt64] = []

        /// Seconds since the start, or the run's length once it has ended.
        var elapsed: Duration { (endTime ?? ContinuousClock.now) - startTime }
    }

    private let state = Mutex(Figures())

    init() {}

    var figures: Figures { state.withLock { $0 } }

    func started() {
        state.withLock { $0.startTime = .now }
    }

    func finished() {
        state.withLock { $0.endTime = .now }
    }

    /// Records `count` flows started together, `offset` after the start of the run.
    func recordStarts(_ count: Int, at offset: Duration) {
        let second = Int(offset.components.seconds)
        state.withLock { figures in
            if second >= figures.startsPerSecond.count {
                figures.startsPerSecond.append(contentsOf: repeatElement(0, count: second - figures.startsPerSecond.count + 1))
            }
            figures.startsPerSecond[second] += UInt64(count)
            figures.lastStart = max(figures.lastStart, offset)
        }
    }
}
