import FlowTestShared
import Prometheus
import Testing

@testable import FlowTestAgent

/// The round-trip histograms are counted per event loop and rendered by FlowTest, no longer by
/// swift-prometheus's `Histogram`: what a scrape shows must be what that histogram showed.
@Suite struct PrometheusRoundTripsTests {
    /// Values on, just below and just above every bound, beyond the last, zero, and a
    /// random spread: the lines rendered are the same, byte for byte, as swift-prometheus's
    /// `DurationHistogram` with the same bounds writes for the same values.
    @Test func theExpositionIsSwiftPrometheusOwn() {
        var values: [UInt64] = [0, 1, 6_000_000_000, 60_000_000_000, UInt64(Int64.max) / 2]
        for index in PrometheusRoundTrips.boundsNanoseconds.indices {
            let bound = PrometheusRoundTrips.boundsNanoseconds[index]
            values += [bound - 1, bound, bound + 1]
        }
        var random = SystemRandomNumberGenerator()
        values += (0..<500).map { _ in UInt64.random(in: 1...3_000_000_000, using: &random) }

        let registry = PrometheusCollectorRegistry()
        let bounds = PrometheusRoundTrips.boundsNanoseconds.indices.map { Duration.nanoseconds(Int64(PrometheusRoundTrips.boundsNanoseconds[$0])) }
        let labels = [("role", "generator"), ("pattern", "a \"quoted\\ name")]
        let reference = registry.makeDurationHistogram(
            descriptor: .flowTest("flowtest_rtt_seconds", help: "Round-trip time of each echoed message."), labels: labels, buckets: bounds)
        var buckets = PrometheusRoundTrips()
        for value in values {
            reference.record(.nanoseconds(Int64(value)))
            buckets.record(value)
        }
        var rendered: [UInt8] = []
        RoundTripHistogramFamily(name: "flowtest_rtt_seconds", help: "Round-trip time of each echoed message.")
            .emit([(labels, buckets)], into: &rendered)
        #expect(String(decoding: rendered, as: UTF8.self) == registry.emitToString())
        #expect(buckets.count == UInt64(values.count))
    }

    /// Shards' counts add up to the counts of all their values in one.
    @Test func shardsAddUp() {
        var first = PrometheusRoundTrips()
        var second = PrometheusRoundTrips()
        var all = PrometheusRoundTrips()
        for value: UInt64 in [10, 50_000, 50_001, 7_000_000] {
            first.record(value)
            all.record(value)
        }
        for value: UInt64 in [99_999, 100_000, 9_000_000_000] {
            second.record(value)
            all.record(value)
        }
        first += second
        #expect(first.sumNanoseconds == all.sumNanoseconds)
        #expect(first.counts.indices.allSatisfy { first.counts[$0] == all.counts[$0] })
        #expect(all.counts[0] == 2 && all.counts[1] == 3 && all.counts[PrometheusRoundTrips.boundsNanoseconds.count] == 1)
    }
}
