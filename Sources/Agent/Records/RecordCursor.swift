/// Where the next byte of a record goes in `RecordOutput`'s buffer, kept in a local variable
/// while one record is formatted.
///
/// Why a value of its own: the output's `count` is a class property, and every store through a
/// byte pointer might alias it, so appending through it reloaded and stored the count around each
/// byte. A cursor in a local variable lives in a register. Writes are whole words (8 bytes where
/// fewer are kept) and never checked: `RecordOutput.recordRoom` is left free before each record.
/// Thread safety: a local of one formatting call; not shared.
struct RecordCursor {
    var position: UnsafeMutableRawPointer

    @inline(__always)
    init(_ position: UnsafeMutableRawPointer) {
        self.position = position
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        position.storeBytes(of: value, as: UInt8.self)
        position += 1
    }

    /// The low `length` bytes of `word` (up to 8), in memory order; all 8 are stored.
    @inline(__always)
    mutating func word(_ value: UInt64, length: Int) {
        position.storeBytes(of: value, as: UInt64.self)
        position += length
    }

    /// `value` (below 10^8) as eight digit values 0...9, the most significant in the lowest byte:
    /// both halves of four digits split at once in one 64-bit register (no division instruction,
    /// no table, no loop).
    @inline(__always)
    static func eightDigitValues(_ value: UInt64) -> UInt64 {
        let high = value / 10_000
        var lanes = high | (value &- high &* 10_000) << 32
        // Each 32-bit lane below 10,000: x / 100 as (x * 10,486) >> 20, exact there.
        var quotients = ((lanes &* 10_486) >> 20) & 0x0000_007F_0000_007F
        lanes = quotients | (lanes &- quotients &* 100) << 16
        // Each 16-bit lane below 100: x / 10 as (x * 103) >> 10, exact there.
        quotients = ((lanes &* 103) >> 10) & 0x000F_000F_000F_000F
        return quotients | (lanes &- quotients &* 10) << 8
    }

    /// `value` (below 10^8) with leading zeros to eight digits.
    @inline(__always)
    mutating func eightDigits(_ value: UInt64) {
        word(Self.eightDigitValues(value) | 0x3030_3030_3030_3030, length: 8)
    }

    /// `value` (below 10^8) without leading zeros: the zero digits are the low zero bytes of the
    /// digit values, dropped by one shift.
    @inline(__always)
    mutating func shortDecimal(_ value: UInt64) {
        let digits = Self.eightDigitValues(value)
        let skipped = min(7, digits.trailingZeroBitCount >> 3)
        word((digits | 0x3030_3030_3030_3030) >> UInt64(skipped << 3), length: 8 - skipped)
    }

    /// `value` in decimal without leading zeros.
    @inline(__always)
    mutating func decimal(_ value: UInt64) {
        if value < 100_000_000 { return shortDecimal(value) }
        position = Self.decimalAbove8Digits(value, at: position)
    }

    /// Nine or more digits (rare: large byte counts), out of line. The position goes in and
    /// comes back by value: a cursor passed inout to a call would have to live in memory in the
    /// caller, for every byte of every record.
    @inline(never)
    private static func decimalAbove8Digits(_ value: UInt64, at position: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        var cursor = RecordCursor(position)
        cursor.decimalAbove8DigitsInline(value)
        return cursor.position
    }

    @inline(__always)
    private mutating func decimalAbove8DigitsInline(_ value: UInt64) {
        let high = value / 100_000_000, low = value &- high &* 100_000_000
        if high < 100_000_000 {
            shortDecimal(high)
        } else {
            let top = high / 100_000_000
            shortDecimal(top)
            eightDigits(high &- top &* 100_000_000)
        }
        eightDigits(low)
    }
}
