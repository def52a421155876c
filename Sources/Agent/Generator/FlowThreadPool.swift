import Foundation
import NIOCore

/// Threads for latency mode's flows (`--dedicated-threads`), kept and reused from one flow to the
/// next.
///
/// Why: creating a thread costs tens of microseconds of system time (a stack to map, a clone, a
/// first fault on every page it touches), which is as much as a whole short TCP flow on
/// loopback. A connection-rate test of latency mode would measure thread creation, not the
/// network; a kept thread waiting on a condition costs one wake-up instead.
///
/// A flow handed over when no thread is idle gets a new one, up to `limit`; beyond that it waits
/// for the first thread to finish (the generator's `maxConcurrent` keeps flows within the limit).
/// `shutdown` lets idle threads end; busy ones end after their flow.
final class FlowThreadPool: @unchecked Sendable {
    // Unchecked: every stored var below is read and written only while `condition` is locked.
    private let condition = NSCondition()
    private var waiting = CircularBuffer<@Sendable () -> Void>()
    private var idle = 0
    private var threads = 0
    private var closed = false
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Runs `work` on an idle thread, or on a new one.
    func run(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        waiting.append(work)
        // Each idle thread takes one waiting flow once it wakes; signalled ones may not have
        // woken yet, so compare with everything waiting, not only this flow.
        let spawn = waiting.count > idle && threads < limit
        if spawn { threads += 1 } else { condition.signal() }
        condition.unlock()
        if spawn { Thread.detachNewThread { [self] in serve() } }
    }

    /// Threads currently kept, busy or idle.
    var threadCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return threads
    }

    /// Ends the threads once no work is left for them.
    func shutdown() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func serve() {
        condition.lock()
        while true {
            while waiting.isEmpty {
                if closed {
                    threads -= 1
                    condition.unlock()
                    return
                }
                idle += 1
                condition.wait()
                idle -= 1
            }
            let work = waiting.removeFirst()
            condition.unlock()
            work()
            condition.lock()
        }
    }
}
