import Dispatch
import FlowTestShared
import Foundation
import Synchronization

/// Ends the process a fixed time after the first SIGTERM or SIGINT if it is still there.
///
/// Why: the service group handles these signals in a task, and everything after them (the
/// export's final flush, the final output) runs in tasks too. If every thread of the
/// concurrency pool is blocked (on two cores there are two), those tasks never run and the
/// process ignores the signal. The watchdog lives on a dispatch queue of its own, so the bound
/// holds whatever still waits; the graceful path is built to end well before it.
final class TerminationWatchdog: Sendable {
    let bound: Duration
    let exitCode: Int32
    private let sources = Mutex<[any DispatchSourceSignal]>([])
    private let queue = DispatchQueue(label: "flowtest.termination-watchdog")

    init(bound: Duration, exitCode: Int32) {
        self.bound = bound
        self.exitCode = exitCode
    }

    /// Starts watching (once). libdispatch delivers a signal to every source that watches it,
    /// so the service group's own handling is unchanged.
    func start() {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            sources = [SIGTERM, SIGINT].map { number in
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { [self] in
                    // Only the first signal starts the clock; the handler then stops listening.
                    self.sources.withLock { $0.forEach { $0.cancel() } }
                    queue.asyncAfter(deadline: .now() + .milliseconds(Int(bound / .milliseconds(1)))) { [self] in expire() }
                }
                source.resume()
                return source
            }
        }
    }

    private func expire() -> Never {
        // The graceful path would have printed and exited by now: something still waits.
        StandardStream.error.write("flowtest-agent: still stopping \(bound) after the signal; exiting now\n", droppable: false)
        let until = ContinuousClock.now + .milliseconds(200)
        _ = StandardStream.error.drain { ContinuousClock.now > until }
        _exit(exitCode)
    }
}
