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
        /// The same round trips counted as `flowtest_rtt_seconds` exposes them.
        var prometheusRoundTrips = PerTransport(repeating: PrometheusRoundTrips())
        /// Continuous pattern only: the outages of the loop's flows.
        var disruption = DisruptionLog()
        /// Continuous pattern, the prober's loop only: the new-connection probes and their outages.
        var newConnections = NewConnectionLog()
        /// With a traffic mix: each pattern's figures, by pattern slot; empty without one.
        var patterns: [PatternTally] = []

        /// Counts a flow of pattern `slot` as ended: completed when `failure` is nil.
        mutating func recordOutcome(pattern slot: Int?, failure: FlowFailureReason?) {
            guard let slot else { return }
            if let failure { patterns[slot].counters.recordFailure(failure) } else { patterns[slot].counters.flowsCompleted += 1 }
        }

        /// Adds `count` to a UDP counter (lost, duplicated, reordered datagrams), in the
        /// transport's figures and in those of pattern `slot`.
        mutating func countUDP(_ field: WritableKeyPath<TrafficCounters, UInt64>, _ count: UInt64 = 1, pattern slot: Int?) {
            counters.udp[keyPath: field] += count
            if let slot { patterns[slot].counters[keyPath: field] += count }
        }

        /// Adds an ended UDP flow's RFC 3550 jitter, where it had two echoes or more to measure it.
        mutating func recordUDPJitter(seconds: Double, pattern slot: Int?) {
            counters.udp.udpJitterSecondsSum += seconds
            counters.udp.udpJitterFlows += 1
            if let slot {
                patterns[slot].counters.udpJitterSecondsSum += seconds
                patterns[slot].counters.udpJitterFlows += 1
            }
        }
    }

    private let state: Mutex<State>

    /// A shard with room for `patternCount` traffic patterns' figures.
    init(patternCount: Int = 0) {
        var initial = State()
        initial.patterns = Array(repeating: PatternTally(), count: patternCount)
        state = Mutex(initial)
    }

    /// Applies `update` to the shard's state under its lock.
    func update<Result>(_ update: (inout State) -> Result) -> Result {
        state.withLock { update(&$0) }
    }

    /// Records the echo of one message, in the figures and in the Prometheus histogram's buckets.
    /// `pattern`: the flow's traffic pattern slot, nil without a mix.
    func recordEcho(_ transport: Transport, bytes: Int, roundTripNanoseconds: UInt64, pattern: Int? = nil) {
        // Beyond the HDR histogram's range (a minute) the value is clamped rather than dropped;
        // the Prometheus buckets have +Inf for it.
        let roundTrip = min(roundTripNanoseconds, 60_000_000_000)
        state.withLock { state in
            state.counters[transport].messagesReceived += 1
            state.counters[transport].bytesReceived += UInt64(bytes)
            _ = state.roundTrips[transport].record(roundTrip)
            state.prometheusRoundTrips[transport].record(roundTripNanoseconds)
            if let pattern {
                state.patterns[pattern].counters.messagesReceived += 1
                state.patterns[pattern].counters.bytesReceived += UInt64(bytes)
                _ = state.patterns[pattern].roundTrips.record(roundTrip)
                state.patterns[pattern].prometheusRoundTrips.record(roundTripNanoseconds)
            }
        }
    }

    /// Records one message sent.
    func recordSend(_ transport: Transport, bytes: Int, pattern: Int? = nil) {
        state.withLock { state in
            state.counters[transport].messagesSent += 1
            state.counters[transport].bytesSent += UInt64(bytes)
            if let pattern {
                state.patterns[pattern].counters.messagesSent += 1
                state.patterns[pattern].counters.bytesSent += UInt64(bytes)
            }
        }
    }

    /// A copy of the shard's state.
    func read() -> State {
        state.withLock { $0 }
    }
}
