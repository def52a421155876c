extension RecordFormatter {
    /// RFC 5952 text: lowercase, no leading zeros, the first longest run of two or more zero
    /// groups as `::`. Random host bits almost never make two zero groups side by side, so an
    /// address without such a pair (a lone zero group is written "0") goes straight out, eight
    /// groups and their colons in eight stores. Out of line, the position in and out by value
    /// (see `RecordCursor.decimal`), so that IPv4 records keep their cursor in a register.
    @inline(never)
    func ipv6Address(_ value: UInt128, at position: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        var cursor = RecordCursor(position)
        ipv6Address(value, &cursor)
        return cursor.position
    }

    @inline(__always)
    private func ipv6Address(_ value: UInt128, _ cursor: inout RecordCursor) {
        let high = UInt64(truncatingIfNeeded: value >> 64), low = UInt64(truncatingIfNeeded: value)
        let zeroHigh = Self.zeroGroups(high), zeroLow = Self.zeroGroups(low)
        // Two zero groups side by side: in one half, or the last of the high and the first of the low.
        let pairs = zeroHigh & zeroHigh << 16 | zeroLow & zeroLow << 16 | (zeroHigh << 48 & zeroLow)
        guard pairs == 0 else { return ipv6WithZeroGroups(high, low, &cursor) }
        groupAndColon(high >> 48, &cursor); groupAndColon(high >> 32 & 0xFFFF, &cursor)
        groupAndColon(high >> 16 & 0xFFFF, &cursor); groupAndColon(high & 0xFFFF, &cursor)
        groupAndColon(low >> 48, &cursor); groupAndColon(low >> 32 & 0xFFFF, &cursor)
        groupAndColon(low >> 16 & 0xFFFF, &cursor)
        let last = low & 0xFFFF
        let skipped = Self.skippedDigits(last)
        cursor.word(hexDigits(last) >> UInt64(skipped << 3), length: 4 - skipped)
    }

    /// The top bit of each 16-bit group of `word` that is zero, and no other bit.
    @inline(__always)
    static func zeroGroups(_ word: UInt64) -> UInt64 {
        let low15 = 0x7FFF_7FFF_7FFF_7FFF as UInt64
        // Per group, (x & 0x7FFF) + 0x7FFF carries into the top bit unless the low 15 bits are
        // zero, and never into the next group; or-ing x adds its own top bit.
        return ~(((word & low15) &+ low15) | word) & ~low15
    }

    /// Leading zero digits of a group, keeping at least one ("0" for zero).
    @inline(__always)
    static func skippedDigits(_ group: UInt64) -> Int {
        min(3, UInt16(truncatingIfNeeded: group).leadingZeroBitCount >> 2)
    }

    /// A group's four hex digits, the first in the low byte.
    @inline(__always)
    private func hexDigits(_ group: UInt64) -> UInt64 {
        UInt64(hexPairs[Int(group >> 8)]) | UInt64(hexPairs[Int(group & 0xFF)]) << 16
    }

    /// A group without leading zeros, and a colon: one store.
    @inline(__always)
    private func groupAndColon(_ group: UInt64, _ cursor: inout RecordCursor) {
        let skipped = Self.skippedDigits(group)
        let digits = hexDigits(group) >> UInt64(skipped << 3)
        cursor.word(digits | 58 << UInt64((4 - skipped) << 3), length: 5 - skipped)
    }

    /// An address with a zero group: the run to shorten comes from the table of zero masks.
    private func ipv6WithZeroGroups(_ high: UInt64, _ low: UInt64, _ cursor: inout RecordCursor) {
        @inline(__always) func group(_ index: Int) -> UInt64 {
            (index < 4 ? high : low) >> UInt64(48 - 16 * (index & 3)) & 0xFFFF
        }
        var zeros = 0
        for index in 0..<8 where group(index) == 0 { zeros |= 1 << index }
        let run = zeroRuns[zeros]
        let runStart = run.length > 0 ? Int(run.start) : 8
        let runEnd = runStart + Int(run.length)
        for index in 0..<runStart {
            if index > 0 { cursor.byte(58) }
            hex(group(index), &cursor)
        }
        if run.length > 0 { cursor.word(0x3A3A, length: 2) }
        for index in runEnd..<8 {
            if index > runEnd { cursor.byte(58) }
            hex(group(index), &cursor)
        }
    }

    /// A group in hex without leading zeros ("0" for zero).
    @inline(__always)
    private func hex(_ group: UInt64, _ cursor: inout RecordCursor) {
        let skipped = Self.skippedDigits(group)
        cursor.word(hexDigits(group) >> UInt64(skipped << 3), length: 4 - skipped)
    }
}
