/// A flow's round-trip median and maximum in a few hundred bytes, instead of a histogram per flow.
///
/// The maximum is exact. The median is exact up to `sampleLimit` round trips; past that it is the
/// median of a uniform random sample of them (reservoir sampling, algorithm R), whose error for a
/// flow of thousands of exchanges is a few percentiles either side.
struct RoundTripEstimate: Sendable {
    /// Samples kept at most: odd, so a full reservoir has a middle.
    static let sampleLimit = 31

    private(set) var count: UInt64 = 0
    private(set) var maximum: UInt64 = 0
    private var samples: [UInt64] = []
    /// xorshift64 state: the choice of samples needs to be uniform, not unpredictable.
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// Adds one round trip.
    mutating func record(_ nanoseconds: UInt64) {
        count += 1
        maximum = max(maximum, nanoseconds)
        if samples.count < Self.sampleLimit {
            samples.append(nanoseconds)
            return
        }
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        let slot = state % count
        if slot < UInt64(Self.sampleLimit) { samples[Int(slot)] = nanoseconds }
    }

    /// The median (the lower middle of an even count); nil before the first round trip.
    var median: UInt64? {
        guard !samples.isEmpty else { return nil }
        return samples.sorted()[(samples.count - 1) / 2]
    }
}
