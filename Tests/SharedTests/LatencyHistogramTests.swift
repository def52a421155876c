import FlowTestShared
import Foundation
import Histogram
import Testing

@Suite("Latency histograms merge exactly across agents")
struct LatencyHistogramTests {
    @Test func mergedPercentilesMatchThoseOfAllSamplesTogether() throws {
        // Two agents with different latency: averaging their p99s would be badly wrong.
        var fast = Histogram<UInt64>.roundTripNanoseconds()
        var slow = Histogram<UInt64>.roundTripNanoseconds()
        var all = Histogram<UInt64>.roundTripNanoseconds()
        for i in 0..<10_000 {
            let a = UInt64(20_000 + i % 1000)  // 20-21 µs
            let b = UInt64(5_000_000 + (i % 100) * 10_000)  // 5-6 ms
            _ = fast.record(a)
            _ = all.record(a)
            if i % 10 == 0 {
                _ = slow.record(b)
                _ = all.record(b)
            }
        }
        var merged = LatencyHistogram(fast)
        merged.merge(LatencyHistogram(slow))
        #expect(merged.count == all.totalCount)
        for percentile in [50.0, 90.0, 95.0, 99.0] {
            let truth = Double(all.valueAtPercentile(percentile)) / 1e6
            let estimate = try #require(merged.percentileMilliseconds(percentile))
            #expect(abs(estimate - truth) / truth < 0.02, "p\(percentile): \(estimate) vs \(truth)")
        }
        #expect(merged.maxNanoseconds == slow.max)
    }

    @Test func encodesCompactlyAndRoundTrips() throws {
        var histogram = LatencyHistogram()
        for value in stride(from: UInt64(10_000), to: 50_000_000, by: 997) { histogram.record(nanoseconds: value) }
        let data = try JSONEncoder().encode(histogram)
        #expect(try JSONDecoder().decode(LatencyHistogram.self, from: data) == histogram)
        // Log buckets keep a status entry small whatever the number of samples.
        #expect(data.count < 8_000, "\(data.count) bytes")
    }
}
