import FlowTestShared
import NIOCore

/// Starts one event loop's share of a run's flows, on that loop, as they fall due.
///
/// Pacing used to run in a Swift task that handed every flow to its event loop: per flow a
/// cross-thread task, often with an eventfd wake-up of the loop, and a dispatch thread waking
/// every few hundred microseconds to sleep again. A profile at 5,000 new flows/s put a third of
/// the generator's CPU on those dispatch threads. Each loop now walks the schedule on its own
/// timing wheel and connects its flows where they will live; at high rates one wake-up starts
/// every flow due in that millisecond.
///
/// Every pacer walks the whole schedule and keeps the flows whose index falls to its loop: the
/// random pattern's arrivals come from one random stream, so a seed gives the same flows whatever
/// the number of loops. Thread safety: created anywhere; everything after `start` runs on the
/// loop (`cancel` hops onto it), which is why the class can be `@unchecked Sendable`.
final class FlowPacer: FlowOnLoop, @unchecked Sendable {
    /// What the pacers of one run share.
    struct Run: Sendable {
        let launcher: FlowLauncher
        let statistics: GeneratorStatistics
        let progress: RunProgress
        let addresses: TargetAddresses
        let budget: FlowCountBudget
        /// Stops every pacer of the run, once the flow count is spent.
        let pacing: FlowPacing
        /// The run's start: flow start times count from here.
        let startDeadline: NIODeadline
        let timeLimit: Duration?
        /// An arrival that finds this many flows open is skipped (`ConcurrencyLimit`).
        let skipAtConcurrent: Int?
    }

    /// The most time one wake-up spends starting flows. A pacer that fell behind (an overloaded
    /// machine) catches up in slices of this length, so the loop serves its connections in
    /// between instead of spending a second connecting a backlog while every echo waits. A count
    /// per wake-up would not do: on a loaded machine the ticks come late, and a fixed count per
    /// tick became the rate (a cap of 64 held 7,000 of 10,000 flows/s where no cap held 9,200).
    static let launchTimePerWakeUp = TimeAmount.milliseconds(1)

    private let slot: Int
    private let slotCount: Int
    private let loop: any EventLoop
    private let wheel: FlowTimerWheel
    private let run: Run
    private var schedule: FlowSchedule
    /// This loop's next flow; nil once the schedule has no more for it.
    private var next: ScheduledFlow?
    private var finished = false
    private let done: EventLoopPromise<Void>

    init(slot: Int, schedule: FlowSchedule, run: Run) {
        self.slot = slot
        self.slotCount = run.launcher.loopCount
        self.loop = run.launcher.loop(at: slot)
        self.wheel = run.launcher.wheel(at: slot)
        self.schedule = schedule
        self.run = run
        self.done = loop.makePromise()
    }

    /// Succeeds once this loop has started its last flow, or pacing was cancelled.
    var finishedFuture: EventLoopFuture<Void> { done.futureResult }

    /// Starts pacing on the loop.
    func start() {
        loop.execute { [self] in
            advance()
            wokeUp()
        }
    }

    /// Stops starting flows; flows already started go on.
    func cancel() {
        loop.execute { [self] in finish() }
    }

    func stop() {
        finish()
    }

    /// Starts every flow of this loop that is due, then sleeps until the next one.
    func wokeUp() {
        guard !finished else { return }
        let now = NIODeadline.now()
        let addresses = run.addresses.current
        var started = 0
        var launchedUntil = now
        let sliceEnd = now + Self.launchTimePerWakeUp
        while let flow = next, run.startDeadline + TimeAmount(flow.start) <= now {
            // The clock is read every 16 flows only: it is cheap, a connect is not.
            if started % 16 == 15 {
                launchedUntil = .now()
                if launchedUntil >= sliceEnd { break }
            }
            advance()
            if let limit = run.skipAtConcurrent, run.statistics.activeFlows >= limit {
                run.statistics.flowSkipped()
                continue
            }
            guard run.budget.claim() else { break }
            var lifetimeEnd = run.startDeadline + TimeAmount(flow.start + flow.lifetime)
            if let limit = run.timeLimit { lifetimeEnd = min(lifetimeEnd, run.startDeadline + TimeAmount(limit)) }
            run.launcher.launch(flow, to: addresses[flow.target % addresses.count], lifetimeEnd: lifetimeEnd)
            started += 1
        }
        if started > 0 { run.progress.recordStarts(started, at: .nanoseconds((now - run.startDeadline).nanoseconds)) }
        if run.budget.isSpent {
            // The other loops may be waiting for arrivals that will never be started.
            run.pacing.cancelAll()
            return finish()
        }
        guard let next else { return finish() }
        // Behind schedule, the next slice is due at once: the wheel's next tick.
        wheel.schedule(at: max(launchedUntil, run.startDeadline + TimeAmount(next.start)), self)
    }

    /// Moves `next` to this loop's next flow within the time limit.
    private func advance() {
        while let flow = schedule.next() {
            if let limit = run.timeLimit, flow.start >= limit { break }
            if Int(flow.index % UInt64(slotCount)) == slot {
                next = flow
                return
            }
        }
        next = nil
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        done.succeed()
    }
}
