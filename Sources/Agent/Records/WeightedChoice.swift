/// Picks an index with probability proportional to its weight, from one 64-bit random number.
///
/// Cumulative thresholds over the whole 64-bit range: the index picked is the first whose
/// threshold is not below the number. A scan for it ended on a branch the CPU mispredicted on
/// most picks, several picks per record, so the top eight bits of the number look the index up
/// first: every number in most of the 256 buckets picks the same index, and only a bucket
/// holding a threshold needs the scan. The index is the same either way.
struct WeightedChoice: Sendable {
    private let thresholds: [UInt64]
    /// Per value of the top eight bits, the index all such numbers pick; `split` if they differ.
    private let buckets: [UInt8]
    private static let split: UInt8 = .max
    /// One entry: every number picks it, so the caller need not even mix one.
    let isSingle: Bool

    /// `weights` must not all be zero.
    init(_ weights: [UInt64]) {
        let total = weights.reduce(0, +)
        precondition(total > 0, "weights must not all be zero")
        var running: UInt64 = 0
        var thresholds: [UInt64] = []
        for weight in weights {
            running += weight
            // The last threshold is the top of the range, so every draw picks something.
            thresholds.append(running == total ? .max : UInt64((UInt128(running) << 64) / UInt128(total)))
        }
        self.thresholds = thresholds
        isSingle = thresholds.count == 1
        buckets = (0..<256).map { (bucket: UInt64) in
            // The index only grows with the number, so a bucket's ends agree exactly when all of it does.
            let lowest = Self.scan(thresholds, bucket << 56), highest = Self.scan(thresholds, bucket << 56 | (1 << 56 - 1))
            return lowest == highest && lowest < Int(Self.split) ? UInt8(lowest) : Self.split
        }
    }

    @inline(__always)
    func pick(_ random: UInt64) -> Int {
        let bucket = buckets.withUnsafeBufferPointer { $0[Int(random >> 56)] }
        if bucket != Self.split { return Int(bucket) }
        return Self.scan(thresholds, random)
    }

    /// The first index whose threshold is not below `random`. The last threshold is
    /// UInt64.max, so the scan stops inside the table.
    private static func scan(_ thresholds: [UInt64], _ random: UInt64) -> Int {
        thresholds.withUnsafeBufferPointer { table in
            var index = 0
            while random > table[index] { index += 1 }
            return index
        }
    }
}
