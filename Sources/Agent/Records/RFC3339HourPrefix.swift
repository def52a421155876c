/// "YYYY-MM-DDTHH:" of one hour since 1970, kept while a run of timestamps stays in that hour.
///
/// Record times only move forward, and a flow's end is seconds to minutes after its start, so
/// one prefix for the starts and one for the ends are each worked out about once per hour of
/// timestamps: a record then writes its prefix as two word stores and works out only minutes,
/// seconds and the fraction. Thread safety: a value held by one formatter.
struct RFC3339HourPrefix {
    /// Hours since 1970 of `text`; Int64.min until the first timestamp.
    private(set) var hour = Int64.min
    /// The 14 bytes of text in two words (the last 2 bytes unused).
    private(set) var text: (UInt64, UInt64) = (0, 0)

    /// Makes the prefix that of `hour` (hours since 1970, not negative).
    mutating func update(hour: Int64) {
        self.hour = hour
        let (year, month, day) = RFC3339Time.civil(fromDays: hour / 24)
        var bytes: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            let put = { (offset: Int, value: Int64) in
                raw[offset] = UInt8(48 + value / 10)
                raw[offset + 1] = UInt8(48 + value % 10)
            }
            put(0, year / 100); put(2, year % 100); raw[4] = 45  // -
            put(5, month); raw[7] = 45
            put(8, day); raw[10] = 84  // T
            put(11, hour % 24); raw[13] = 58  // :
        }
        text = bytes
    }
}
