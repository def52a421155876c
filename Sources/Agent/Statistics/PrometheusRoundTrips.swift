/// Round trips counted against `flowtest_rtt_seconds`' bucket bounds, exactly as the histogram
/// exposes them: a count per bucket (not cumulative; the last is +Inf) and the sum.
///
/// Why not swift-prometheus's `Histogram` on the packet path: its one lock is shared by every
/// event loop, and at 300,000 echoes a second the loops queued on it (6.4 % of the generator's
/// profile, with futex wake-ups). Each loop's statistics shard keeps these counts under the lock
/// it already takes per echo, and a scrape sums the shards; nothing is sampled or approximated.
struct PrometheusRoundTrips: Sendable {
    /// Upper bounds in nanoseconds, from loopback (tens of µs) to cross-region (seconds).
    static let boundsNanoseconds: InlineArray<16, UInt64> = [
        50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000,
        50_000_000, 100_000_000, 250_000_000, 500_000_000, 1_000_000_000, 2_500_000_000, 5_000_000_000,
    ]

    /// Per bucket: round trips above the previous bound and at most this one; the last beyond all.
    private(set) var counts = InlineArray<17, UInt64>(repeating: 0)
    private(set) var sumNanoseconds: UInt64 = 0

    /// Every round trip recorded.
    var count: UInt64 {
        var total: UInt64 = 0
        for index in counts.indices { total += counts[index] }
        return total
    }

    /// Counts one round trip. Most are in the first buckets, so the search starts there.
    mutating func record(_ nanoseconds: UInt64) {
        var index = 0
        while index < Self.boundsNanoseconds.count, Self.boundsNanoseconds[index] < nanoseconds { index += 1 }
        counts[index] += 1
        sumNanoseconds &+= nanoseconds
    }

    /// Adds another shard's counts.
    static func += (lhs: inout PrometheusRoundTrips, rhs: PrometheusRoundTrips) {
        for index in lhs.counts.indices { lhs.counts[index] += rhs.counts[index] }
        lhs.sumNanoseconds &+= rhs.sumNanoseconds
    }
}
