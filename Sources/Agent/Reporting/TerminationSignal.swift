import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// When this process was asked to stop by SIGTERM or SIGINT, if it was.
///
/// The final report's retries depend on it: an agent being terminated (its pod deleted) has only
/// its grace period, while a generator that finished on its own is being waited for and may
/// retry for as long as its FlowTest can still use the report. The service group handles the
/// same signals for shutdown; a dispatch source of its own here only notes the time (libdispatch
/// delivers a signal to every source that watches it).
final class TerminationSignal: Sendable {
    /// The process's one observer, started by the first use.
    static let shared = TerminationSignal()

    private let received = Mutex<ContinuousClock.Instant?>(nil)
    private let sources = Mutex<[any DispatchSourceSignal]>([])
    private let queue = DispatchQueue(label: "flowtest.termination-signal")

    private init() {}

    /// Starts watching; called where the service group starts watching the same signals.
    func start() {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            sources = [SIGTERM, SIGINT].map { number in
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { [self] in received.withLock { $0 = $0 ?? .now } }
                source.resume()
                return source
            }
        }
    }

    /// When the first SIGTERM or SIGINT arrived; nil when none has.
    var receivedAt: ContinuousClock.Instant? { received.withLock { $0 } }
}
