import Histogram

/// Round-trip-time percentiles of a set of exchanges, in milliseconds.
public struct LatencySummary: Codable, Sendable, Equatable {
    /// Number of round trips measured.
    public var samples: UInt64
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    public var mean: Double

    /// Summarises a histogram of round-trip times recorded in nanoseconds.
    public init(nanoseconds histogram: Histogram<UInt64>) {
        let toMilliseconds = { (value: UInt64) in Double(value) / 1e6 }
        samples = histogram.totalCount
        guard samples > 0 else {
            (p50, p90, p99, p999, max, mean) = (0, 0, 0, 0, 0, 0)
            return
        }
        p50 = toMilliseconds(histogram.valueAtPercentile(50))
        p90 = toMilliseconds(histogram.valueAtPercentile(90))
        p99 = toMilliseconds(histogram.valueAtPercentile(99))
        p999 = toMilliseconds(histogram.valueAtPercentile(99.9))
        max = toMilliseconds(histogram.max)
        mean = histogram.mean / 1e6
    }
}

extension Histogram where Count == UInt64 {
    /// A histogram for round-trip times in nanoseconds: 1 ns to 1 minute at 3 significant digits.
    public static func roundTripNanoseconds() -> Histogram<UInt64> {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        // Round trips beyond a minute are clamped by the recorder, never dropped.
        histogram.autoResize = false
        return histogram
    }
}
