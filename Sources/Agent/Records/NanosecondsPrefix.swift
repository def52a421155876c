/// The leading digits of a Unix time in nanoseconds, all but its last eleven, kept while a run
/// of JSON timestamps shares them (100 seconds at a time).
///
/// Starts only move forward and ends follow them within minutes, so one prefix for the starts
/// and one for the ends each change about once per 100 s of timestamps; a record then formats
/// only eleven digits of each time. Thread safety: a value held by one formatter.
struct NanosecondsPrefix {
    /// The time divided by 10^11 that `text` spells; UInt64.max until the first timestamp.
    private(set) var key = UInt64.max
    /// Up to eight digits, the first in the low byte, and how many.
    private(set) var text: UInt64 = 0
    private(set) var length = 0

    /// Makes the prefix spell `key` (1 to 99,999,999: times from 1970-01-01T00:01:40Z to 2286).
    mutating func update(key: UInt64) {
        self.key = key
        let digits = RecordCursor.eightDigitValues(key)
        let skipped = min(7, digits.trailingZeroBitCount >> 3)
        text = (digits | 0x3030_3030_3030_3030) >> UInt64(skipped << 3)
        length = 8 - skipped
    }
}
