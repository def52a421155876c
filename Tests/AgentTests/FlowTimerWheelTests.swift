import NIOCore
import NIOPosix
import Testing
@testable import FlowTestAgent

@Suite("Flow timing wheel: never early, each wake-up once")
struct FlowTimerWheelTests {
    /// Records when it was woken; touched only on the wheel's event loop.
    final class Sleeper: FlowOnLoop, @unchecked Sendable {
        let deadline: NIODeadline
        var wokenAt: [NIODeadline] = []

        init(deadline: NIODeadline) {
            self.deadline = deadline
        }

        func stop() {}

        func wokeUp() {
            wokenAt.append(.now())
        }
    }

    @Test func wakeUpsComeAtOrAfterTheirDeadlineAlsoBeyondTheWheelsSpan() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        // 16 slots of 1 ms: deadlines 16 ms or more ahead wait outside the wheel until it has
        // turned far enough, and must still come neither early nor twice.
        let wheel = FlowTimerWheel(loop: loop, slotCount: 16)
        let delays: [Int64] = [-5, 0, 1, 3, 15, 16, 17, 40, 100]
        let sleepers = try await loop.submit {
            let now = NIODeadline.now()
            return delays.map { delay in
                let sleeper = Sleeper(deadline: now + .milliseconds(delay))
                wheel.schedule(at: sleeper.deadline, sleeper)
                return sleeper
            }
        }.get()
        try await Task.sleep(for: .milliseconds(400))
        let woken = try await loop.submit { sleepers.map { ($0.deadline, $0.wokenAt) } }.get()
        for (delay, (deadline, times)) in zip(delays, woken) {
            #expect(times.count == 1, "deadline \(delay) ms woke \(times.count) times")
            #expect(times.allSatisfy { $0 >= deadline }, "deadline \(delay) ms woke early")
        }
        wheel.stop()
        try await group.shutdownGracefully()
    }

    /// The wheel ticks only while it holds wake-ups; an earlier deadline scheduled after a later
    /// one is not held back until the later one's tick.
    @Test func anEmptyWheelStopsTickingAndAnEarlierDeadlineRearmsIt() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let wheel = FlowTimerWheel(loop: loop)
        /// Waits (at most 20 s) until `sleeper` has been woken; returns its wake-up times.
        func woken(_ sleeper: Sleeper) async throws -> [NIODeadline] {
            for _ in 0..<2000 {
                let times = try await loop.submit { sleeper.wokenAt }.get()
                if !times.isEmpty { return times }
                try await Task.sleep(for: .milliseconds(10))
            }
            return []
        }
        let (late, early) = try await loop.submit {
            let now = NIODeadline.now()
            let late = Sleeper(deadline: now + .seconds(2))
            let early = Sleeper(deadline: now + .milliseconds(10))
            wheel.schedule(at: late.deadline, late)
            wheel.schedule(at: early.deadline, early)
            return (late, early)
        }.get()
        let earlyTimes = try await woken(early)
        let (lateTimes, idle) = try await loop.submit { (late.wokenAt, wheel.isIdle) }.get()
        #expect(earlyTimes.count == 1 && earlyTimes.allSatisfy { $0 >= early.deadline })
        // Unless the machine was so slow that the late one is due too, it is still held.
        if lateTimes.isEmpty { #expect(!idle, "a wake-up is still held, so a tick is due") }
        let lateWoken = try await woken(late)
        #expect(lateWoken.count == 1 && lateWoken.allSatisfy { $0 >= late.deadline })
        #expect(try await loop.submit { wheel.isIdle }.get(), "nothing is held: no tick may be due")
        // Idle, then used again: the cursor catches up with the clock and the wake-up still comes.
        let again = try await loop.submit {
            let sleeper = Sleeper(deadline: .now() + .milliseconds(5))
            wheel.schedule(at: sleeper.deadline, sleeper)
            return sleeper
        }.get()
        let againTimes = try await woken(again)
        #expect(againTimes.count == 1 && againTimes.allSatisfy { $0 >= again.deadline })
        wheel.stop()
        try await group.shutdownGracefully()
    }

    /// A flow's later wake-up replaced by an earlier one, and the one pending when it ends, leave
    /// the wheel: the wheel holds the flow no longer (a short flow was held until its connect
    /// deadline, 5 s) and never wakes it for them.
    @Test func replacedAndEndedWakeUpsLeaveTheWheel() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let wheel = FlowTimerWheel(loop: loop)
        weak var released: Sleeper?
        let early = try await loop.submit {
            let now = NIODeadline.now()
            // A connect deadline, then an earlier wake-up (its first message's), then the end.
            let ending = Sleeper(deadline: now + .seconds(3))
            var wakeUp = FlowWakeUp()
            wakeUp.request(ending.deadline, on: wheel, for: ending)
            wakeUp.request(now + .milliseconds(20), on: wheel, for: ending)
            wakeUp.cancel(on: wheel, for: ending)
            released = ending
            // A flow that keeps its earlier wake-up, and whose replaced later one must not come.
            let kept = Sleeper(deadline: now + .milliseconds(30))
            var keptWakeUp = FlowWakeUp()
            keptWakeUp.request(now + .milliseconds(60), on: wheel, for: kept)
            keptWakeUp.request(kept.deadline, on: wheel, for: kept)
            return kept
        }.get()
        // Well before the ended flow's connect deadline, the wheel no longer holds it.
        #expect(released == nil)
        try await Task.sleep(for: .milliseconds(300))
        let (wakeUps, idle) = try await loop.submit { (early.wokenAt.count, wheel.isIdle) }.get()
        #expect(wakeUps == 1)
        #expect(idle)
        wheel.stop()
        try await group.shutdownGracefully()
    }
}
