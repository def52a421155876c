import FlowTestShared
import Foundation
import Synchronization

/// Turns a generator's cumulative snapshots into its time series: each sample is what changed
/// since the previous one, put in the step of the wall-clock time it was taken at.
final class TimeSeriesRecorder: Sendable {
    /// The cumulative figures a sample is the difference of.
    private struct Cumulative {
        var total = TrafficCounters()
        var udp = TrafficCounters()
        /// Jitter in whole microseconds, rounded from the cumulative sum, so that the steps'
        /// differences add up to the total exactly.
        var jitterMicroseconds: UInt64 = 0
        var rtt = RoundTripBuckets()
    }

    private struct State {
        var series: TimeSeries?
        var previous = Cumulative()
    }

    private let state = Mutex(State())
    let limit: Int
    /// The most bytes the series' samples may take in a report (`--timeline-bytes`).
    let byteLimit: Int

    init(limit: Int = TimeSeries.sampleLimit, byteLimit: Int = TimeSeries.textLimit) {
        self.limit = limit
        self.byteLimit = byteLimit
    }

    /// The series so far; nil before the first sample.
    var series: TimeSeries? { state.withLock { $0.series } }

    /// The step the next sample should be taken at the end of.
    var stepMilliseconds: Int64 { state.withLock { $0.series?.stepMilliseconds ?? TimeSeries.baseStepMilliseconds } }

    /// Starts the series at `unixMilliseconds` (the first sample covers from here).
    func start(at unixMilliseconds: Int64) {
        state.withLock { $0.series = $0.series ?? TimeSeries(startMilliseconds: unixMilliseconds) }
    }

    /// Records what `snapshot` adds to the previous sample, at `unixMilliseconds`.
    func sample(_ snapshot: GeneratorSnapshot, at unixMilliseconds: Int64) {
        var current = Cumulative(total: snapshot.total, udp: snapshot.counters.udp, rtt: RoundTripBuckets(snapshot.allRoundTrips))
        current.jitterMicroseconds = UInt64((snapshot.counters.udp.udpJitterSecondsSum * 1e6).rounded())
        let active = UInt64(max(0, snapshot.activeFlows.tcp + snapshot.activeFlows.udp))
        state.withLock { state in
            let previous = state.previous
            var sample = TimeSeriesSample()
            // Counters only grow; a difference below zero would be a bug upstream, never a negative step.
            func delta(_ now: UInt64, _ before: UInt64) -> UInt64 { now > before ? now - before : 0 }
            sample.flowsStarted = delta(current.total.flowsStarted, previous.total.flowsStarted)
            sample.flowsCompleted = delta(current.total.flowsCompleted, previous.total.flowsCompleted)
            sample.flowsFailed = delta(current.total.flowsFailed, previous.total.flowsFailed)
            sample.activeFlows = active
            sample.bytes = delta(current.total.bytesSent + current.total.bytesReceived, previous.total.bytesSent + previous.total.bytesReceived)
            sample.udpDatagramsSent = delta(current.udp.messagesSent, previous.udp.messagesSent)
            sample.udpLost = delta(current.udp.udpLost, previous.udp.udpLost)
            sample.udpJitterMicrosecondsSum = delta(current.jitterMicroseconds, previous.jitterMicroseconds)
            sample.udpJitterFlows = delta(current.udp.udpJitterFlows, previous.udp.udpJitterFlows)
            sample.rtt = current.rtt.since(previous.rtt)
            var series = state.series ?? TimeSeries(startMilliseconds: unixMilliseconds)
            series.record(sample, at: unixMilliseconds, limit: limit, byteLimit: byteLimit)
            state.series = series
            state.previous = current
        }
    }

    /// Now, in Unix milliseconds.
    static func now() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
