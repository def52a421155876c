/// Picks an index with probability proportional to its weight, from one 64-bit random number.
///
/// Cumulative thresholds over the whole 64-bit range, so a pick is a multiply-free scan of a few
/// entries; tables here hold at most a few dozen.
struct WeightedChoice: Sendable {
    private let thresholds: [UInt64]

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
    }

    @inline(__always)
    func pick(_ random: UInt64) -> Int {
        var index = 0
        while random > thresholds[index] { index += 1 }
        return index
    }
}
