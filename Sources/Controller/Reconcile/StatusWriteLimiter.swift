import Synchronization

/// Holds a running test's summary writes to at most one per `interval`.
///
/// With N agents reporting every 10 s, every report changes the summary: written each time,
/// the FlowTest would take N/10 writes a second, each read back by every watcher of FlowTests.
/// A phase change is never held (the reconciler writes those at once); only the running summary
/// waits, and the key is requeued for when it may be written.
final class StatusWriteLimiter: Sendable {
    let interval: Duration
    private let lastWrite = Mutex<[String: ContinuousClock.Instant]>([:])

    init(interval: Duration = .seconds(2)) {
        self.interval = interval
    }

    /// How long the summary of `key` must still wait; nil when it may be written now.
    func wait(for key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        lastWrite.withLock { writes in
            guard let last = writes[key] else { return nil }
            let left = last + interval - now
            return left > .zero ? left : nil
        }
    }

    /// Notes a summary write of `key`.
    func wrote(_ key: String, at now: ContinuousClock.Instant = .now) {
        lastWrite.withLock { $0[key] = now }
    }

    /// Forgets a test that ended or is gone.
    func forget(_ key: String) {
        _ = lastWrite.withLock { $0.removeValue(forKey: key) }
    }
}
