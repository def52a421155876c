extension LatencyHistogram {
    /// The same round trips in buckets `width` steps wide (a multiple of this histogram's width):
    /// fewer buckets, each value within half a bucket of where it was. At width 8 a bucket is
    /// about 17 % wide, and the text an eighth as long.
    public func coarsened(toWidth width: Int) -> LatencyHistogram {
        guard width > bucketWidth else { return self }
        var coarse = LatencyHistogram(bucketWidth: width)
        for (index, count) in buckets {
            coarse.buckets[index * bucketWidth / width, default: 0] += count
        }
        coarse.count = count
        coarse.maxNanoseconds = maxNanoseconds
        return coarse
    }
}
