extension LatencyHistogram {
    /// Buckets per coarse bucket: 1.02^8 is about 17 % wide.
    public static let coarseFactor = 8

    /// The same round trips with every `coarseFactor` neighbouring buckets joined into their
    /// middle one: an eighth of the buckets, each value within about 8 % of where it was.
    public var coarsened: LatencyHistogram {
        var coarse = LatencyHistogram()
        for (index, count) in buckets {
            coarse.buckets[index / Self.coarseFactor * Self.coarseFactor + Self.coarseFactor / 2, default: 0] += count
        }
        coarse.count = count
        coarse.maxNanoseconds = maxNanoseconds
        return coarse
    }
}
