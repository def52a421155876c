import Foundation
import Histogram

/// The round trips of one time-series sample in half-octave buckets: coarse enough that a
/// sample costs a few dozen bytes in the status, and exact to merge (counts add), so the
/// percentiles of many agents over time come from their merged buckets, never from averages.
///
/// A percentile is interpolated inside its bucket on a log scale; buckets are √2 wide, so it is
/// within about 20 % of the true value. The summary's p50/p99 (from `LatencyHistogram`) are the
/// precise figures; these give the shape over time.
public struct RoundTripBuckets: Sendable, Equatable {
    /// Bucket `i` spans `[2^(i/2), 2^((i+1)/2))` nanoseconds.
    public static let bucketsPerOctave = 2.0

    /// Bucket index → round trips in it; only non-empty buckets are present.
    public var counts: [Int: UInt64] = [:]

    public init() {}

    /// Re-buckets an HDR histogram of round trips in nanoseconds (cumulative, as the agent keeps it).
    public init(_ histogram: Histogram<UInt64>) {
        for entry in histogram.recordedValues() where entry.count > 0 {
            record(nanoseconds: entry.value, count: UInt64(entry.count))
        }
    }

    /// Round trips in every bucket.
    public var count: UInt64 { counts.values.reduce(0, +) }

    public static func index(nanoseconds: UInt64) -> Int {
        nanoseconds <= 1 ? 0 : Int((log2(Double(nanoseconds)) * bucketsPerOctave).rounded(.down))
    }

    public mutating func record(nanoseconds: UInt64, count: UInt64 = 1) {
        counts[Self.index(nanoseconds: nanoseconds), default: 0] += count
    }

    /// Adds another sample's or agent's round trips.
    public static func += (lhs: inout RoundTripBuckets, rhs: RoundTripBuckets) {
        lhs.counts.merge(rhs.counts, uniquingKeysWith: +)
    }

    /// The round trips recorded since `earlier`, a cumulative state of the same recorder.
    /// Buckets are a pure function of the value, so the difference is exact and never negative.
    public func since(_ earlier: RoundTripBuckets) -> RoundTripBuckets {
        var delta = RoundTripBuckets()
        for (index, count) in counts where count > earlier.counts[index] ?? 0 {
            delta.counts[index] = count - (earlier.counts[index] ?? 0)
        }
        return delta
    }

    /// The round trip at `percentile` (0...100) in milliseconds, nil when empty.
    public func percentileMilliseconds(_ percentile: Double) -> Double? {
        let total = count
        guard total > 0 else { return nil }
        let rank = max(1, percentile / 100 * Double(total))
        var seen = 0.0
        for index in counts.keys.sorted() {
            let inBucket = Double(counts[index]!)
            if seen + inBucket >= rank {
                let fraction = (rank - seen) / inBucket
                return pow(2, (Double(index) + fraction) / Self.bucketsPerOctave) / 1e6
            }
            seen += inBucket
        }
        return nil
    }

    /// `first:c/c/c`: the first non-empty bucket's index, then every count from there on
    /// (an empty field is zero); empty text for no round trips.
    var text: String {
        guard let first = counts.keys.min(), let last = counts.keys.max() else { return "" }
        let fields = (first...last).map { index in counts[index].map(String.init) ?? "" }
        return "\(first):" + fields.joined(separator: "/")
    }

    init?(text: Substring) {
        guard !text.isEmpty else { return }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let first = Int(parts[0]), first >= 0, first < 1000 else { return nil }
        for (offset, field) in parts[1].split(separator: "/", omittingEmptySubsequences: false).enumerated() where !field.isEmpty {
            guard let count = UInt64(field) else { return nil }
            counts[first + offset] = count
        }
    }
}
