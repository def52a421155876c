import NIOCore

/// The single pending timer of one flow, on its event loop's `FlowTimerWheel`.
///
/// A flow keeps at most one wake-up pending, asks for an earlier one only when it must, and on
/// every wake-up re-reads its own state to decide what is due. The later wake-up an earlier one
/// replaces, and the one pending when the flow ends, are taken out of the wheel's slot: left
/// there, a short flow stayed referenced until its connect deadline (5 s by default), so at
/// 30,000 new flows a second the wheel held 150,000 finished flows (30 MB, grown page by page)
/// and re-sorted them at every turn of its span. Only a wake-up beyond the span is left to fire
/// stale (it finds nothing to do): taking it out would search the long list it is in.
struct FlowWakeUp {
    private var pending: NIODeadline?
    /// The wheel slot of the pending wake-up; nil beyond the wheel's span.
    private var slot: Int?

    /// Ensures the flow is woken no later than `deadline`.
    mutating func request(_ deadline: NIODeadline, on wheel: FlowTimerWheel, for flow: any FlowOnLoop) {
        if let pending, pending <= deadline { return }
        if pending != nil, let slot { wheel.cancel(flow, inSlot: slot) }
        pending = deadline
        slot = wheel.schedule(at: deadline, flow)
    }

    /// Called first thing in a wake-up: forgets the pending timer if this is the one that fired.
    mutating func fired(at now: NIODeadline) {
        if let pending, pending <= now { (self.pending, slot) = (nil, nil) }
    }

    /// The flow ended: its pending wake-up, if any, no longer holds it.
    mutating func cancel(on wheel: FlowTimerWheel, for flow: any FlowOnLoop) {
        if pending != nil, let slot { wheel.cancel(flow, inSlot: slot) }
        (pending, slot) = (nil, nil)
    }
}
