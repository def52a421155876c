import Synchronization

/// A flag that many threads read and one call sets: how latency mode's flow threads learn that
/// the run is stopping.
final class StopFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    /// Whether `raise` has been called.
    var isRaised: Bool { raised.load(ordering: .relaxed) }

    func raise() {
        raised.store(true, ordering: .relaxed)
    }
}
