import Foundation
import Histogram

/// Round-trip times in log-scale buckets (about 2 % wide), small enough for fifty agents to fit in
/// one FlowTest status, and mergeable: percentiles of the whole test are computed from the merged
/// buckets, never by averaging agents' percentiles.
public struct LatencyHistogram: Codable, Sendable, Equatable {
    /// Each bucket spans `[growth^i, growth^(i+1))` nanoseconds.
    public static let growth = 1.02

    /// Bucket index → number of round trips in it; only non-empty buckets are present.
    public var buckets: [Int: UInt64]
    public var count: UInt64
    /// Largest round trip, in nanoseconds (exact).
    public var maxNanoseconds: UInt64

    public init() {
        buckets = [:]
        count = 0
        maxNanoseconds = 0
    }

    /// Re-buckets an HDR histogram of round trips in nanoseconds.
    public init(_ histogram: Histogram<UInt64>) {
        self.init()
        for entry in histogram.recordedValues() where entry.count > 0 {
            record(nanoseconds: entry.value, count: UInt64(entry.count))
        }
        maxNanoseconds = histogram.totalCount > 0 ? histogram.max : 0
    }

    public mutating func record(nanoseconds: UInt64, count: UInt64 = 1) {
        let index = nanoseconds <= 1 ? 0 : Int(log(Double(nanoseconds)) / log(Self.growth))
        buckets[index, default: 0] += count
        self.count += count
        maxNanoseconds = max(maxNanoseconds, nanoseconds)
    }

    /// Adds another histogram's round trips to this one.
    public mutating func merge(_ other: LatencyHistogram) {
        buckets.merge(other.buckets, uniquingKeysWith: +)
        count += other.count
        maxNanoseconds = max(maxNanoseconds, other.maxNanoseconds)
    }

    /// The round trip at `percentile` (0...100) in milliseconds: the middle of its bucket, so
    /// within about 1 % of the true value; nil when empty.
    public func percentileMilliseconds(_ percentile: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = max(1, UInt64((percentile / 100 * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for index in buckets.keys.sorted() {
            seen += buckets[index]!
            if seen >= rank {
                let middle = pow(Self.growth, Double(index) + 0.5)
                return min(middle, Double(maxNanoseconds)) / 1e6
            }
        }
        return Double(maxNanoseconds) / 1e6
    }

    private enum CodingKeys: String, CodingKey {
        case buckets, count, maxNanoseconds
    }

    // Buckets travel as a JSON object with string keys ("812": 40), which merge patches and
    // every JSON tool handle; Swift would otherwise encode an Int-keyed dictionary as an array.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let encoded = try container.decode([String: UInt64].self, forKey: .buckets)
        buckets = [:]
        for (key, value) in encoded {
            guard let index = Int(key) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .buckets, in: container, debugDescription: "bucket index \"\(key)\" is not a whole number")
            }
            buckets[index] = value
        }
        count = try container.decode(UInt64.self, forKey: .count)
        maxNanoseconds = try container.decode(UInt64.self, forKey: .maxNanoseconds)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Dictionary(uniqueKeysWithValues: buckets.map { (String($0.key), $0.value) }), forKey: .buckets)
        try container.encode(count, forKey: .count)
        try container.encode(maxNanoseconds, forKey: .maxNanoseconds)
    }
}
