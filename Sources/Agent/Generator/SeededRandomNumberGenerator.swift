/// SplitMix64: a small, fast generator whose whole output follows from its seed.
///
/// A `--seed` makes a random-pattern run reproducible: the same arrivals, lifetimes, ports and
/// payload sizes. The system generator cannot be seeded, hence this one.
struct SeededRandomNumberGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Moves on as `count` calls of `next()` would, without mixing numbers nobody reads: the
    /// state only ever advances by the constant, so the stream stays the same.
    @inline(__always)
    mutating func discard(_ count: UInt64) {
        state &+= 0x9E37_79B9_7F4A_7C15 &* count
    }

    /// An independent stream for one flow, so a flow's payload sizes do not depend on how many
    /// random numbers other flows drew before it.
    static func forFlow(_ flowID: UInt64, seed: UInt64) -> SeededRandomNumberGenerator {
        var mixer = SeededRandomNumberGenerator(seed: seed ^ (flowID &* 0xD1B5_4A32_D192_ED03))
        return SeededRandomNumberGenerator(seed: mixer.next())
    }
}
