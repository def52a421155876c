import NIOCore

/// Coarse timers for all flows on one event loop: a hashed timing wheel of 1 ms slots.
///
/// NIO keeps scheduled tasks in a heap and cancels by searching it, so every cancel costs
/// O(timers on the loop). ClientBootstrap cancels its connect timeout on every successful connect,
/// which with one timer per open flow made connecting O(open flows). Flow wake-ups therefore live
/// here, behind a single repeating NIO task per loop, and NIO's heap only ever holds that task and
/// the connect timeouts of connections still being set up.
///
/// A deadline fires at or after its time, at most one slot (1 ms) plus the tick's own latency
/// late, never early. Thread safety: created anywhere, but `schedule` and `tick` run only on
/// `loop` (checked in debug builds), which is why the class can be `@unchecked Sendable`.
final class FlowTimerWheel: @unchecked Sendable {
    private let loop: any EventLoop
    private let resolution = TimeAmount.milliseconds(1)
    private var slots: [[any FlowOnLoop]]
    /// Deadlines beyond the wheel's span, brought in as the wheel turns.
    private var beyond: [(deadline: NIODeadline, flow: any FlowOnLoop)] = []
    private var cursor = 0
    /// The time of the slot under the cursor.
    private var cursorTime: NIODeadline
    private var ticker: RepeatedTask?

    init(loop: any EventLoop, slotCount: Int = 4096) {
        self.loop = loop
        self.slots = Array(repeating: [], count: slotCount)
        self.cursorTime = .now()
    }

    /// Starts turning the wheel.
    func start() {
        ticker = loop.scheduleRepeatedTask(initialDelay: resolution, delay: resolution) { [self] _ in tick() }
    }

    /// Stops turning; pending wake-ups are dropped (the flows have been stopped by then).
    func stop() {
        ticker?.cancel()
    }

    /// Wakes `flow` on the loop at or shortly after `deadline`.
    func schedule(at deadline: NIODeadline, _ flow: any FlowOnLoop) {
        loop.assertInEventLoop()
        let ahead = deadline - cursorTime
        // Round up, so nothing fires before its deadline.
        let ticks = ahead <= .zero ? 0 : Int((ahead.nanoseconds + resolution.nanoseconds - 1) / resolution.nanoseconds)
        if ticks >= slots.count {
            beyond.append((deadline, flow))
        } else {
            slots[(cursor + ticks) % slots.count].append(flow)
        }
    }

    private func tick() {
        let now = NIODeadline.now()
        while cursorTime <= now {
            let due = slots[cursor]
            slots[cursor].removeAll(keepingCapacity: true)
            cursor = (cursor + 1) % slots.count
            cursorTime = cursorTime + resolution
            if cursor == 0 { admitDeadlinesWithinSpan() }
            // After advancing, so flows that ask again for "now" land in the next slot, not this one.
            for flow in due { flow.wokeUp() }
        }
    }

    private func admitDeadlinesWithinSpan() {
        guard !beyond.isEmpty else { return }
        let waiting = beyond
        beyond.removeAll(keepingCapacity: true)
        for (deadline, flow) in waiting { schedule(at: deadline, flow) }
    }
}
