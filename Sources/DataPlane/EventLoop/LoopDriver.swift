/// What runs on an `EpollLoop`: the loop's descriptors' readiness, a tick for time-driven work,
/// and the end. Every call comes on the loop's own thread, so a driver owns its state outright.
public protocol LoopDriver: AnyObject {
    /// Called once on the loop's thread before the first wait: register descriptors here.
    func started(on loop: EpollLoop)
    /// A wait returned, at `nowNanoseconds` (the loop's clock for the batch that follows).
    func batchStarted(nowNanoseconds: UInt64)
    /// `token` (as registered) is ready with epoll's `flags`.
    func ready(_ token: UInt64, flags: UInt32)
    /// After each batch of readiness: work the driver put off to keep the loop fair (edge-triggered
    /// descriptors whose reading stopped at its budget). Returns whether such work remains.
    func continueDeferred() -> Bool
    /// About every `EpollLoop.tickInterval` (timeouts, sweeps), with the loop's clock.
    func tick(nowNanoseconds: UInt64)
    /// The loop is ending: close everything.
    func stopped()
}
