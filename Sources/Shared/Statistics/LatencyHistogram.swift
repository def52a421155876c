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
    /// How many of the 2 % steps one bucket spans: 1, or more for a coarser histogram that takes
    /// fewer bytes (bucket i then spans `[growth^(i·w), growth^((i+1)·w))`).
    public private(set) var bucketWidth = 1
    public var count: UInt64
    /// Largest round trip, in nanoseconds (exact).
    public var maxNanoseconds: UInt64

    public init() {
        buckets = [:]
        count = 0
        maxNanoseconds = 0
    }

    /// An empty histogram whose buckets are `bucketWidth` steps wide.
    public init(bucketWidth: Int) {
        self.init()
        self.bucketWidth = bucketWidth
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
        let index = nanoseconds <= 1 ? 0 : Int(log(Double(nanoseconds)) / log(Self.growth)) / bucketWidth
        buckets[index, default: 0] += count
        self.count += count
        maxNanoseconds = max(maxNanoseconds, nanoseconds)
    }

    /// Adds another histogram's round trips to this one.
    public mutating func merge(_ other: LatencyHistogram) {
        // Histograms of different widths merge at the coarser one.
        if other.bucketWidth > bucketWidth { self = coarsened(toWidth: other.bucketWidth) }
        let other = other.bucketWidth < bucketWidth ? other.coarsened(toWidth: bucketWidth) : other
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
                let middle = pow(Self.growth, (Double(index) + 0.5) * Double(bucketWidth))
                return min(middle, Double(maxNanoseconds)) / 1e6
            }
        }
        return Double(maxNanoseconds) / 1e6
    }

    private enum CodingKeys: String, CodingKey {
        case buckets, count, maxNanoseconds, p50Milliseconds, p99Milliseconds, bucketWidth
    }

    // Buckets travel as one string, `"812:40,12,3,830:1"`: index:count, and a bare count for the
    // bucket after the previous one. A map or list would put one line per bucket in
    // `kubectl get -o yaml` (several hundred per agent) and cost 3-4 times the bytes.
    // p50/p99 are written for people reading the status; they are derived, never read back.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .buckets)
        guard let parsed = Self.parseBuckets(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .buckets, in: container,
                debugDescription: "buckets \"\(text.prefix(80))\" is not a list of index:count or count entries separated by commas")
        }
        buckets = parsed
        count = try container.decode(UInt64.self, forKey: .count)
        maxNanoseconds = try container.decode(UInt64.self, forKey: .maxNanoseconds)
        bucketWidth = try container.decodeIfPresent(Int.self, forKey: .bucketWidth) ?? 1
        guard (1...64).contains(bucketWidth) else {
            throw DecodingError.dataCorruptedError(forKey: .bucketWidth, in: container, debugDescription: "bucketWidth \(bucketWidth) is not 1...64")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encode(maxNanoseconds, forKey: .maxNanoseconds)
        if bucketWidth != 1 { try container.encode(bucketWidth, forKey: .bucketWidth) }
        try container.encodeIfPresent(percentileMilliseconds(50), forKey: .p50Milliseconds)
        try container.encodeIfPresent(percentileMilliseconds(99), forKey: .p99Milliseconds)
        try container.encode(bucketText, forKey: .buckets)
    }

    /// The buckets in their compact text form.
    var bucketText: String {
        var parts: [String] = []
        var previous: Int?
        for index in buckets.keys.sorted() {
            let count = buckets[index]!
            parts.append(previous.map { $0 + 1 == index } == true ? String(count) : "\(index):\(count)")
            previous = index
        }
        return parts.joined(separator: ",")
    }

    static func parseBuckets(_ text: String) -> [Int: UInt64]? {
        var result: [Int: UInt64] = [:]
        guard !text.isEmpty else { return result }
        var next: Int?
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            let index: Int
            let countText: Substring
            switch fields.count {
            case 1:
                guard let following = next else { return nil }
                (index, countText) = (following, fields[0])
            case 2:
                guard let given = Int(fields[0]), given >= 0 else { return nil }
                (index, countText) = (given, fields[1])
            default: return nil
            }
            guard let count = UInt64(countText), result[index] == nil else { return nil }
            result[index] = count
            next = index + 1
        }
        return result
    }
}
