/// A SciTags flow marking: the science domain ("experiment", 0–511) and the activity (0–63)
/// that flowd writes into IPv6 flow labels and announces in fireflies.
public struct SciTag: Codable, Sendable, Equatable, CustomStringConvertible {
    public var experiment: Int64
    public var activity: Int64

    public init(experiment: Int64, activity: Int64) {
        self.experiment = experiment
        self.activity = activity
    }

    /// What a `--scitag` flag expects, for error messages.
    public static let expected = "EXPERIMENT:ACTIVITY, an experiment id 0...511 and an activity id 0...63, e.g. 65:2"

    /// Parses `EXPERIMENT:ACTIVITY`; nil when either id is out of range.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let experiment = Int64(parts[0]), let activity = Int64(parts[1]),
            (0...511).contains(experiment), (0...63).contains(activity)
        else { return nil }
        self.init(experiment: experiment, activity: activity)
    }

    /// `EXPERIMENT:ACTIVITY`, as the flags take it.
    public var description: String { "\(experiment):\(activity)" }

    /// The bits of a flow label that carry this tag; the others are random per flow.
    public static let tagMask: UInt32 = 0b00_111111111_0_111111_00

    /// The tag's bits in flowd's 20-bit layout, from the most significant bit: 2 random bits,
    /// the 9-bit experiment id bit-reversed, 1 random bit, the 6-bit activity id, 2 random bits.
    public var tagBits: UInt32 {
        var reversed: UInt32 = 0
        for bit in 0..<9 where experiment & (1 << bit) != 0 { reversed |= 1 << (8 - bit) }
        return reversed << 9 | UInt32(activity) << 2
    }

    /// A flow label with this tag and the five random bits taken from `random`'s low bits.
    public func flowLabel(random: UInt64) -> UInt32 {
        let r = UInt32(truncatingIfNeeded: random)
        let randomBits = (r & 0b11) << 18 | (r >> 2 & 1) << 8 | (r >> 3 & 0b11)
        return tagBits | randomBits
    }

    /// Whether `label` carries this tag, whatever its random bits.
    public func matches(label: UInt32) -> Bool {
        label & Self.tagMask == tagBits
    }
}
