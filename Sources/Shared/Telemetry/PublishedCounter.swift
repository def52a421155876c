import Prometheus
import Synchronization

/// A Prometheus counter fed from an absolute total kept elsewhere.
///
/// FlowTest's statistics are the source of truth (cumulative, merged per event loop without
/// locks on the packet path); just before a scrape each total is published here, and only the
/// growth since the previous publication is added to the Prometheus counter.
public final class PublishedCounter: Sendable {
    private let counter: Counter
    private let published = Mutex<UInt64>(0)

    public init(_ counter: Counter) {
        self.counter = counter
    }

    /// Brings the Prometheus counter up to `total`.
    public func publish(_ total: UInt64) {
        let growth = published.withLock { last -> UInt64 in
            guard total > last else { return 0 }
            defer { last = total }
            return total - last
        }
        if growth > 0 { counter.increment(by: Int64(clamping: growth)) }
    }
}
