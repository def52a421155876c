import NIOCore

/// The single pending timer of one flow, on its event loop's `FlowTimerWheel`.
///
/// Timers are never cancelled: a flow keeps at most one wake-up pending, asks for an earlier one
/// only when it must, and on every wake-up re-reads its own state to decide what is due. A wake-up
/// that turns out to be stale simply finds nothing to do.
struct FlowWakeUp {
    private var pending: NIODeadline?

    /// Ensures the flow is woken no later than `deadline`.
    mutating func request(_ deadline: NIODeadline, on wheel: FlowTimerWheel, for flow: any FlowOnLoop) {
        if let pending, pending <= deadline { return }
        pending = deadline
        wheel.schedule(at: deadline, flow)
    }

    /// Called first thing in a wake-up: forgets the pending timer if this is the one that fired.
    mutating func fired(at now: NIODeadline) {
        if let pending, pending <= now { self.pending = nil }
    }
}
