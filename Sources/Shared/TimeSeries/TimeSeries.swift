/// A generator's figures over time: one sample per step, on a grid of wall-clock times shared by
/// every agent, so that the series of many agents (and of a restarted agent's incarnations)
/// merge exactly, step by step.
///
/// Bounded: when a sample would make more than `sampleLimit`, the step doubles and pairs of
/// samples join. Steps are one second times a power of two and sample `k` covers
/// `((k - 1) · step, k · step]` in Unix milliseconds, so a coarser grid's steps are unions of a
/// finer grid's, and series of different steps still merge exactly at the coarser one.
public struct TimeSeries: Sendable, Equatable {
    /// The finest step: one sample a second.
    public static let baseStepMilliseconds: Int64 = 1000
    /// Samples a series keeps at most (60 to 120 in a long run): enough for a plot's shape.
    public static let sampleLimit = 120
    /// What every generator's series together may take of the status: 200 KiB, which keeps a
    /// status of 100 busy continuous generators (ten restarted) with full outage timelines
    /// under 1 MiB, as the status layout has always been held (StatusLayoutTests).
    public static let statusBudget = 200 * 1024

    /// The bytes one generator's series may take when `generators` share the budget, with a
    /// tenth more reports for restarted incarnations; a few generators get `textLimit`.
    public static func byteLimit(generators: Int64) -> Int {
        let reports = max(1, Int(generators) + (Int(generators) + 9) / 10)
        return min(textLimit, max(minimumByteLimit, statusBudget / reports))
    }

    /// The smallest byte limit: a few busy samples; below it a series would say nothing.
    public static let minimumByteLimit = 512

    /// The length of one step: `baseStepMilliseconds` times a power of two.
    public private(set) var stepMilliseconds: Int64
    /// Unix milliseconds when sampling began: the first sample covers from here.
    public var startMilliseconds: Int64
    /// Unix milliseconds of the latest sample: the last one covers until here.
    public var endMilliseconds: Int64
    /// Sample `k` covers `((k - 1) · step, k · step]`.
    public internal(set) var samples: [Int64: TimeSeriesSample] = [:]

    /// An empty series that begins at `startMilliseconds`.
    public init(startMilliseconds: Int64, stepMilliseconds: Int64 = baseStepMilliseconds) {
        self.stepMilliseconds = stepMilliseconds
        self.startMilliseconds = startMilliseconds
        self.endMilliseconds = startMilliseconds
    }

    /// The index of the step that contains `unixMilliseconds`.
    public func index(of unixMilliseconds: Int64) -> Int64 {
        Self.ceilingDivision(unixMilliseconds, stepMilliseconds)
    }

    /// Adds what happened up to `unixMilliseconds` (since the previous sample) to its step, then
    /// coarsens until at most `limit` samples remain and their text takes at most `byteLimit`.
    public mutating func record(_ sample: TimeSeriesSample, at unixMilliseconds: Int64, limit: Int = sampleLimit, byteLimit: Int = textLimit) {
        let index = index(of: unixMilliseconds)
        if samples[index] == nil { samples[index] = sample } else { samples[index]!.append(sample) }
        endMilliseconds = max(endMilliseconds, unixMilliseconds)
        while samples.count > max(limit, 2) || (samples.count > 1 && sampleText.utf8.count > min(byteLimit, Self.textLimit)) {
            coarsen(to: stepMilliseconds * 2)
        }
    }

    /// The most bytes the samples' text may take: the schema's `maxLength`, so a series the
    /// apiserver would refuse (and the report with it) is never written.
    public static let textLimit = 16384

    /// Rejoins the samples on a grid of `step`, a multiple of the current step; later samples
    /// are appended to earlier ones, so the open flows are those of each new step's last sample.
    public mutating func coarsen(to step: Int64) {
        guard step > stepMilliseconds else { return }
        let old = stepMilliseconds
        var joined: [Int64: TimeSeriesSample] = [:]
        for index in samples.keys.sorted() {
            let coarse = Self.ceilingDivision(index * old, step)
            if joined[coarse] == nil { joined[coarse] = samples[index] } else { joined[coarse]!.append(samples[index]!) }
        }
        samples = joined
        stepMilliseconds = step
    }

    /// Several agents' series as one, at the coarsest of their steps; nil when there are none.
    public static func merging(_ series: [TimeSeries]) -> TimeSeries? {
        guard let step = series.map(\.stepMilliseconds).max() else { return nil }
        var merged = TimeSeries(startMilliseconds: series.map(\.startMilliseconds).min()!, stepMilliseconds: step)
        merged.endMilliseconds = series.map(\.endMilliseconds).max()!
        for var one in series {
            one.coarsen(to: step)
            for (index, sample) in one.samples { merged.samples[index, default: TimeSeriesSample()] += sample }
        }
        return merged
    }

    /// Every step from the first sample to the last, with a sample or empty, in order, with the
    /// part of each step the series covers (the first and last are partial).
    public var steps: [(start: Int64, seconds: Double, sample: TimeSeriesSample)] {
        guard let first = samples.keys.min(), let last = samples.keys.max() else { return [] }
        return (first...last).map { index in
            let stepStart = (index - 1) * stepMilliseconds
            let covered = min(index * stepMilliseconds, endMilliseconds) - max(stepStart, startMilliseconds)
            return (stepStart, Double(max(covered, 1)) / 1000, samples[index] ?? TimeSeriesSample())
        }
    }

    static func ceilingDivision(_ value: Int64, _ divisor: Int64) -> Int64 {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder > 0 ? quotient + 1 : quotient
    }
}
