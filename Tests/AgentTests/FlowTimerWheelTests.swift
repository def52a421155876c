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
            wheel.start()
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
        try await loop.submit { wheel.stop() }.get()
        try await group.shutdownGracefully()
    }
}
