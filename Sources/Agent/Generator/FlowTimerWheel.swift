import NIOCore

/// Coarse timers for all flows on one event loop: a hashed timing wheel of 1 ms slots.
///
/// NIO keeps scheduled tasks in a heap and cancels by searching it, so every cancel costs
/// O(timers on the loop). ClientBootstrap cancels its connect timeout on every successful connect,
/// which with one timer per open flow made connecting O(open flows). Flow wake-ups therefore live
/// here, behind a single NIO task per loop, and NIO's heap only ever holds that task and the
/// connect timeouts of connections still being set up.
///
/// The wheel ticks only while it holds wake-ups, and then from one occupied slot to the next (a
/// bitmap finds it without visiting empty slots): a generator with a few flows, or one flow
/// exchanging back to back, no longer wakes each loop a thousand times a second for nothing.
///
/// A deadline fires at or after its time, at most one slot (1 ms) plus the tick's own latency
/// late, never early. Thread safety: created anywhere; `schedule` and the ticks run only on
/// `loop` (checked in debug builds) and `stop` hops onto it, which is why the class can be
/// `@unchecked Sendable`.
final class FlowTimerWheel: @unchecked Sendable {
    private let loop: any EventLoop
    private let resolution = TimeAmount.milliseconds(1)
    private var slots: [[any FlowOnLoop]]
    /// One bit per slot, set while the slot holds wake-ups.
    private var occupied: [UInt64]
    /// Deadlines beyond the wheel's span, brought in as the cursor passes slot 0.
    private var beyond: [(deadline: NIODeadline, flow: any FlowOnLoop)] = []
    /// Wake-ups held, in slots and beyond.
    private var count = 0
    private var cursor = 0
    /// The time of the slot under the cursor.
    private var cursorTime: NIODeadline
    /// The NIO task that runs the next tick, and its time; nil while the wheel is idle.
    private var armed: (task: Scheduled<Void>, at: NIODeadline)?
    /// Set while a tick runs, so wake-ups it fires that ask again arm nothing until it ends.
    private var ticking = false
    private var stopped = false

    /// 8,192 slots: a span of 8.2 s, past the default connect timeout (5 s), so that every short
    /// flow's connect deadline is in a slot, where it can be taken out once the flow has ended.
    init(loop: any EventLoop, slotCount: Int = 8192) {
        self.loop = loop
        self.slots = Array(repeating: [], count: slotCount)
        self.occupied = Array(repeating: 0, count: (slotCount + 63) / 64)
        self.cursorTime = .now()
    }

    /// Whether no tick is due: nothing is held, or the wheel was stopped. Read on the loop.
    var isIdle: Bool {
        loop.assertInEventLoop()
        return armed == nil
    }

    /// Stops ticking; pending wake-ups are dropped (the flows have been stopped by then).
    func stop() {
        loop.execute { [self] in
            stopped = true
            armed?.task.cancel()
            armed = nil
        }
    }

    /// Wakes `flow` on the loop at or shortly after `deadline`. Returns the slot it waits in (nil
    /// beyond the wheel's span), for `cancel`.
    @discardableResult
    func schedule(at deadline: NIODeadline, _ flow: any FlowOnLoop) -> Int? {
        loop.assertInEventLoop()
        // Idle, the cursor may be far behind the clock: move it up instead of walking empty slots.
        if count == 0, !ticking { cursorTime = max(cursorTime, .now()) }
        let ahead = deadline - cursorTime
        // Round up, so nothing fires before its deadline.
        let ticks = ahead <= .zero ? 0 : Int((ahead.nanoseconds + resolution.nanoseconds - 1) / resolution.nanoseconds)
        count += 1
        if ticks >= slots.count {
            beyond.append((deadline, flow))
            arm(at: wrapTime)
            return nil
        }
        let slot = (cursor + ticks) % slots.count
        slots[slot].append(flow)
        occupied[slot >> 6] |= 1 << UInt64(slot & 63)
        arm(at: cursorTime + resolution * Int64(ticks))
        return slot
    }

    /// Takes `flow`'s wake-up out of `slot`, where `schedule` put it; nothing when it is no longer
    /// there (it fired). A slot holds the wake-ups of one millisecond, so the search is short.
    func cancel(_ flow: any FlowOnLoop, inSlot slot: Int) {
        loop.assertInEventLoop()
        guard let index = slots[slot].firstIndex(where: { $0 === flow }) else { return }
        slots[slot].swapAt(index, slots[slot].count - 1)
        slots[slot].removeLast()
        count -= 1
        if slots[slot].isEmpty { occupied[slot >> 6] &= ~(1 << UInt64(slot & 63)) }
    }

    /// When the cursor next passes slot 0, where deadlines beyond the span are brought in.
    private var wrapTime: NIODeadline {
        cursorTime + resolution * Int64(slots.count - cursor)
    }

    /// Makes sure a tick runs no later than `time`.
    private func arm(at time: NIODeadline) {
        guard !stopped, !ticking else { return }
        if let armed, armed.at <= time { return }
        armed?.task.cancel()
        let task = loop.scheduleTask(deadline: time) { [self] in
            armed = nil
            tick()
        }
        armed = (task, time)
    }

    private func tick() {
        ticking = true
        let now = NIODeadline.now()
        while cursorTime <= now, count > 0 {
            let due = slots[cursor]
            slots[cursor].removeAll(keepingCapacity: true)
            occupied[cursor >> 6] &= ~(1 << UInt64(cursor & 63))
            count -= due.count
            cursor = (cursor + 1) % slots.count
            cursorTime = cursorTime + resolution
            if cursor == 0 { admitDeadlinesWithinSpan() }
            // After advancing, so flows that ask again for "now" land in the next slot, not this one.
            for flow in due { flow.wokeUp() }
        }
        ticking = false
        if let next = nextOccupiedTime() { arm(at: next) }
    }

    /// The time of the first occupied slot from the cursor on, or of the next wrap when only
    /// deadlines beyond the span are held; nil when the wheel is empty.
    private func nextOccupiedTime() -> NIODeadline? {
        guard count > 0 else { return nil }
        let offset = firstOccupied(from: cursor, to: slots.count).map { $0 - cursor }
            ?? firstOccupied(from: 0, to: cursor).map { slots.count - cursor + $0 }
        let slotTime = offset.map { cursorTime + resolution * Int64($0) }
        guard !beyond.isEmpty else { return slotTime }
        return min(slotTime ?? wrapTime, wrapTime)
    }

    /// The first occupied slot in `start..<end`.
    private func firstOccupied(from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end {
            let word = index >> 6
            let bits = occupied[word] >> UInt64(index & 63)
            if bits != 0 {
                let found = index + bits.trailingZeroBitCount
                return found < end ? found : nil
            }
            index = (word + 1) << 6
        }
        return nil
    }

    private func admitDeadlinesWithinSpan() {
        guard !beyond.isEmpty else { return }
        let waiting = beyond
        beyond.removeAll(keepingCapacity: true)
        count -= waiting.count
        for (deadline, flow) in waiting { schedule(at: deadline, flow) }
    }
}
