import CDataPlane
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One thread over one epoll instance, edge-triggered, running one driver that owns every
/// descriptor registered on it (no locks, no hand-over between threads on the data path).
///
/// Other threads reach the loop only through `execute`, which queues a closure and wakes the loop
/// through an eventfd: used for the rare commands (stop accepting, close everything), never per packet.
public final class EpollLoop: Sendable {
    /// The token of the loop's own wake-up eventfd; drivers' tokens must differ from it.
    static let wakeToken = UInt64.max
    /// How often the driver's tick runs.
    public static let tickInterval: UInt64 = 100_000_000

    private let epoll: Int32
    private let wake: Int32
    private let commands = Mutex<[@Sendable () -> Void]>([])
    private let stopping = Atomic<Bool>(false)
    private let exited = Atomic<Bool>(false)
    /// The loop's thread (`pthread_self`), once it runs: what `inEventLoop` compares with.
    private let loopThread = Atomic<UInt>(0)
    /// Scheduled tasks' ids, unique per loop (taken on any thread).
    private let timerIDs = Atomic<UInt64>(0)
    /// Scheduled tasks, touched only on the loop's thread.
    private nonisolated(unsafe) var timers = LoopTimers()
    /// The driver, touched only on the loop's thread (set before the thread starts).
    private nonisolated(unsafe) let driver: any LoopDriver
    /// Latency mode: after its last event the loop polls (epoll_wait without sleeping) for this
    /// long before it sleeps, so an answer that comes within it is read without the scheduler's
    /// wake-up between; 0 sleeps at once.
    private let spinNanoseconds: UInt64

    /// Creates the loop and starts its thread; `spinNanoseconds`: see the property.
    public init(name: String, driver: any LoopDriver, spinNanoseconds: UInt64 = 0) throws(SocketError) {
        self.spinNanoseconds = spinNanoseconds
        let epoll = cdp_epoll_create()
        guard epoll >= 0 else { throw SocketError("epoll_create1") }
        let wake = cdp_eventfd()
        guard wake >= 0 else {
            Glibc.close(epoll)
            throw SocketError("eventfd")
        }
        guard cdp_epoll_ctl(epoll, 0, wake, cdp_epollin | cdp_epollet, Self.wakeToken) == 0 else {
            let error = SocketError("epoll_ctl")
            Glibc.close(wake)
            Glibc.close(epoll)
            throw error
        }
        (self.epoll, self.wake, self.driver) = (epoll, wake, driver)
        let thread = Thread { [self] in
            loopThread.store(UInt(bitPattern: Int(bitPattern: pthread_self())), ordering: .releasing)
            // The kernel's name (15 bytes at most): what top -H and perf show.
            cdp_set_thread_name(String(name.prefix(15)))
            run()
        }
        thread.start()
    }

    /// Watches `descriptor` for `flags`, reporting `token`: edge-triggered unless `levelTriggered`.
    public func register(_ descriptor: Int32, token: UInt64, flags: UInt32, levelTriggered: Bool = false) -> Bool {
        cdp_epoll_ctl(epoll, 0, descriptor, levelTriggered ? flags : flags | cdp_epollet, token) == 0
    }

    /// Stops watching `descriptor` (before it is closed while another reference to it stays open).
    public func unregister(_ descriptor: Int32) {
        _ = cdp_epoll_ctl(epoll, 2, descriptor, 0, 0)
    }

    /// Whether the caller runs on the loop's thread, or the loop has ended: its state then
    /// belongs to whoever runs its commands (`execute` runs them on the caller's thread), since
    /// the loop's thread touches nothing any more.
    public var isOnLoopThread: Bool {
        loopThread.load(ordering: .acquiring) == UInt(bitPattern: Int(bitPattern: pthread_self())) || exited.load(ordering: .acquiring)
    }

    /// Runs `task` on the loop's thread at `deadline` (monotonic nanoseconds) or soon after;
    /// returns the id that `cancelTask` takes. From another thread, the task is added through
    /// `execute`, so a cancel that follows is queued behind it.
    public func schedule(atNanoseconds deadline: UInt64, _ task: @escaping @Sendable () -> Void) -> UInt64 {
        let id = timerIDs.add(1, ordering: .relaxed).newValue
        if isOnLoopThread {
            timers.add(id: id, deadline: deadline, task)
        } else {
            execute { [self] in timers.add(id: id, deadline: deadline, task) }
        }
        return id
    }

    /// Drops the scheduled task `id` if it has not run; returns whether it was dropped (always
    /// false from another thread, where the drop happens later on the loop).
    @discardableResult
    public func cancelTask(_ id: UInt64) -> Bool {
        if isOnLoopThread { return timers.cancel(id) }
        execute { [self] in timers.cancel(id) }
        return false
    }

    /// Runs `command` on the loop's thread, soon.
    public func execute(_ command: @escaping @Sendable () -> Void) {
        let queued = commands.withLock { queued -> Bool in
            guard !exited.load(ordering: .acquiring) else { return false }
            queued.append(command)
            return true
        }
        if queued { signal() } else { command() }
    }

    /// Runs `command` on the loop's thread and returns once it has run (at once, on the caller's
    /// thread, when the loop has already ended).
    public func executeAndWait(_ command: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let queued = commands.withLock { queued -> Bool in
                guard !exited.load(ordering: .acquiring) else { return false }
                queued.append {
                    command()
                    done.resume()
                }
                return true
            }
            if queued {
                signal()
            } else {
                command()
                done.resume()
            }
        }
    }

    /// Ends the loop: the driver's `stopped` closes its descriptors on the loop's thread. Waits
    /// at most two seconds for that.
    public func stop() async {
        stopping.store(true, ordering: .releasing)
        signal()
        let deadline = ContinuousClock.now + .seconds(2)
        while !exited.load(ordering: .acquiring), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    private func signal() {
        var one: UInt64 = 1
        _ = write(wake, &one, 8)
    }

    /// The monotonic clock, in nanoseconds.
    @inline(__always)
    public static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    private func run() {
        let capacity = 256
        let flags = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        let tokens = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
        defer {
            flags.deallocate()
            tokens.deallocate()
        }
        driver.started(on: self)
        var nextTick = Self.now() + Self.tickInterval
        var deferred = false
        var lastEvent: UInt64 = 0
        while !stopping.load(ordering: .acquiring) {
            let spinning = !deferred && spinNanoseconds > 0 && Self.now() &- lastEvent < spinNanoseconds
            // A polling loop lets any other thread that is ready on its core go first: the other
            // agent's loop, on a machine with as many cores as loops, is the one it waits for.
            if spinning { sched_yield() }
            let count = cdp_epoll_wait(epoll, flags, tokens, Int32(capacity), deferred || spinning ? 0 : waitMilliseconds(until: nextTick))
            let now = Self.now()
            if count > 0 { lastEvent = now }
            driver.batchStarted(nowNanoseconds: now)
            for index in 0..<Int(max(count, 0)) {
                if tokens[index] == Self.wakeToken {
                    drainWake()
                } else {
                    driver.ready(tokens[index], flags: flags[index])
                }
            }
            runDueTimers()
            // After the timers: what they sent may have failed, and is told before the next wait.
            deferred = driver.continueDeferred()
            if now >= nextTick {
                driver.tick(nowNanoseconds: now)
                nextTick = now + Self.tickInterval
            }
        }
        driver.stopped()
        timers.removeAll()
        // Under the commands' lock: a command queued from now on runs on its caller's thread.
        let left = commands.withLock { queued in
            exited.store(true, ordering: .releasing)
            defer { queued.removeAll() }
            return queued
        }
        for command in left { command() }
    }

    /// How long the next wait may last: until the driver's tick or the next scheduled task,
    /// rounded up to whole milliseconds (epoll's unit), so a task never runs early.
    private func waitMilliseconds(until tick: UInt64) -> Int32 {
        let deadline = min(tick, timers.nextDeadline ?? .max)
        let now = Self.now()
        guard deadline > now else { return 0 }
        return Int32(min((deadline - now + 999_999) / 1_000_000, Self.tickInterval / 1_000_000))
    }

    /// Runs every scheduled task that is due, by the clock read after the batch: tasks that
    /// schedule others for now run in this pass too.
    private func runDueTimers() {
        guard timers.nextDeadline != nil else { return }
        let now = Self.now()
        while let task = timers.popDue(now: now) { task() }
    }

    deinit {
        // Here rather than when the thread ends: another thread may still signal the eventfd
        // (a command queued as the loop ended), which must never write to a reused descriptor.
        Glibc.close(wake)
        Glibc.close(epoll)
    }

    private func drainWake() {
        var value: UInt64 = 0
        _ = read(wake, &value, 8)
        runCommands()
    }

    private func runCommands() {
        let pending = commands.withLock { queued in
            defer { queued.removeAll() }
            return queued
        }
        for command in pending { command() }
    }
}
