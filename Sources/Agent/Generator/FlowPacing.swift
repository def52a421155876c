import NIOCore
import Synchronization

/// The pacers of one run, one per event loop: started, awaited and cancelled together.
///
/// Each pacer holds the run's `FlowPacing` to cancel the others when the flow count is spent;
/// `cancelAll` lets go of the pacers, so that reference cycle ends with the run.
final class FlowPacing: Sendable {
    private let pacers = Mutex<[FlowPacer]>([])

    init() {}

    /// Adds a pacer; call before `start`.
    func add(_ pacer: FlowPacer) {
        pacers.withLock { $0.append(pacer) }
    }

    /// Starts every pacer; the future succeeds once all have finished.
    func start(on loop: any EventLoop) -> EventLoopFuture<Void> {
        let all = pacers.withLock { $0 }
        for pacer in all { pacer.start() }
        return EventLoopFuture.andAllSucceed(all.map(\.finishedFuture), on: loop)
    }

    /// Stops every pacer; flows already started go on.
    func cancelAll() {
        let all = pacers.withLock { pacers in
            defer { pacers.removeAll() }
            return pacers
        }
        for pacer in all { pacer.cancel() }
    }
}
