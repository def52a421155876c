import FlowTestShared
import Histogram
import Synchronization

/// The statistics of the flows on one event loop.
///
/// Each event loop writes only its own shard, so the lock is uncontended on the packet path; a
/// snapshot (once a second, and at the end) is the only other reader.
final class FlowStatisticsShard: Sendable {
    struct State: Sendable {
        var counters = PerTransport(repeating: TrafficCounters())
        var roundTrips = PerTransport(repeating: Histogram<UInt64>.roundTripNanoseconds())
        /// Continuous pattern only: the outages of the loop's flows.
        var disruption = DisruptionLog()
    }

    private let state = Mutex(State())

    init() {}

    /// Applies `update` to the shard's state under its lock.
    func update<Result>(_ update: (inout State) -> Result) -> Result {
        state.withLock { update(&$0) }
    }

    /// Records the echo of one message.
    func recordEcho(_ transport: Transport, bytes: Int, roundTripNanoseconds: UInt64) {
        state.withLock { state in
            state.counters[transport].messagesReceived += 1
            state.counters[transport].bytesReceived += UInt64(bytes)
            // Beyond the histogram's range (a minute) the value is clamped rather than dropped.
            _ = state.roundTrips[transport].record(min(roundTripNanoseconds, 60_000_000_000))
        }
    }

    /// Records one message sent.
    func recordSend(_ transport: Transport, bytes: Int) {
        state.withLock { state in
            state.counters[transport].messagesSent += 1
            state.counters[transport].bytesSent += UInt64(bytes)
        }
    }

    /// A copy of the shard's state.
    func read() -> State {
        state.withLock { $0 }
    }
}
