/// Writes records into a `RecordOutput` as CSV, JSON or JSON Lines, word by word.
///
/// Speed is the point (ten million records a second on one core): each record is formatted
/// through a `RecordCursor` held in a register, numbers become digits eight at a time in one
/// register (`RecordCursor.eightDigitValues`), IPv4 octets come from a table of their text with
/// the dot, and a timestamp's "YYYY-MM-DDTHH:" is worked out once per hour and copied as two
/// words. Nothing is allocated per record. Thread safety: one per writing task; not Sendable.
final class RecordFormatter {
    let format: RecordFormat
    private let output: RecordOutput
    /// "00" to "99", one 16-bit word each (the tens digit in the low byte).
    let pairs: UnsafeMutablePointer<UInt16>
    /// Each octet's text and a dot in the low bytes of one word, the length of the digits
    /// alone in the top byte: one 8-byte store writes "octet." (or "octet" and a byte that the
    /// next field overwrites).
    private let octets: UnsafeMutablePointer<UInt64>
    /// Each pattern's name in 16 bytes, zero-padded, written as two 8-byte stores; and its length.
    private let names: UnsafeMutablePointer<UInt64>
    private let nameLengths: UnsafeMutablePointer<Int>
    /// The fixed text between a JSON record's values, each in a 32-byte slot written as four
    /// 8-byte stores: a call to memmove per key cost more than formatting the numbers.
    private let fragments: UnsafeMutablePointer<UInt64>
    private let fragmentLengths: UnsafeMutablePointer<Int>
    private static let jsonFragments = [
        #"{"time_flow_start_ns":"#, #","time_flow_end_ns":"#, #","src_addr":""#, #"","dst_addr":""#, #"","src_port":"#,
        #","dst_port":"#, #","proto":"#, #","tcp_flags":"#, #","packets":"#, #","bytes":"#, #","pattern":""#, #""}"#,
    ]
    /// The hour prefix of the last start (slot 0) and of the last end (slot 1), apart because
    /// ends run ahead of starts by up to an hour. Behind a pointer: no exclusivity check per use.
    private let prefixes: UnsafeMutablePointer<RFC3339HourPrefix>
    /// The same for JSON's nanoseconds: starts in slot 0, ends in slot 1.
    private let jsonPrefixes: UnsafeMutablePointer<NanosecondsPrefix>
    /// Each byte's two lowercase hex digits, as one 16-bit word.
    let hexPairs: UnsafeMutablePointer<UInt16>
    /// For each set of zero groups (bit i: group i is zero), where the run shortened to `::` starts
    /// and how long it is (RFC 5952: the first longest run of two or more; length 0: none).
    let zeroRuns: UnsafeMutablePointer<(start: Int8, length: Int8)>
    private var recordsWritten: UInt64 = 0

    init(format: RecordFormat, output: RecordOutput) {
        self.format = format
        self.output = output
        pairs = .allocate(capacity: 100)
        for value in 0..<100 { pairs[value] = UInt16(48 + value / 10) | UInt16(48 + value % 10) << 8 }
        octets = .allocate(capacity: 256)
        for value in 0..<256 {
            let text = Array(String(value).utf8) + [46]
            var word = UInt64(text.count - 1) << 56
            for (position, byte) in text.enumerated() { word |= UInt64(byte) << (8 * UInt64(position)) }
            octets[value] = word
        }
        fragments = Self.slots(Self.jsonFragments, words: 4)
        fragmentLengths = .allocate(capacity: Self.jsonFragments.count)
        for (index, text) in Self.jsonFragments.enumerated() { fragmentLengths[index] = text.utf8.count }
        names = Self.slots(RecordPattern.all.map(\.name), words: 2)
        nameLengths = .allocate(capacity: RecordPattern.all.count)
        for (index, pattern) in RecordPattern.all.enumerated() { nameLengths[index] = pattern.name.utf8.count }
        prefixes = .allocate(capacity: 2)
        prefixes.initialize(repeating: RFC3339HourPrefix(), count: 2)
        jsonPrefixes = .allocate(capacity: 2)
        jsonPrefixes.initialize(repeating: NanosecondsPrefix(), count: 2)
        hexPairs = .allocate(capacity: 256)
        let hexDigits = Array("0123456789abcdef".utf8)
        for value in 0..<256 { hexPairs[value] = UInt16(hexDigits[value >> 4]) | UInt16(hexDigits[value & 15]) << 8 }
        zeroRuns = .allocate(capacity: 256)
        for mask in 0..<256 {
            var best: (start: Int8, length: Int8) = (0, 0)
            var runStart = -1
            for index in 0...8 {
                if index < 8, mask & (1 << index) != 0 {
                    if runStart < 0 { runStart = index }
                } else if runStart >= 0 {
                    if index - runStart >= 2, index - runStart > Int(best.length) { best = (Int8(runStart), Int8(index - runStart)) }
                    runStart = -1
                }
            }
            zeroRuns[mask] = best
        }
    }

    /// Each text zero-padded into a slot of `words` 8-byte words.
    private static func slots(_ texts: [String], words: Int) -> UnsafeMutablePointer<UInt64> {
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: texts.count * words)
        table.initialize(repeating: 0, count: texts.count * words)
        let raw = UnsafeMutableRawPointer(table)
        for (index, text) in texts.enumerated() {
            let bytes = Array(text.utf8)
            precondition(bytes.count <= words * 8, "\(text) fits its slot")
            for (position, byte) in bytes.enumerated() { raw.storeBytes(of: byte, toByteOffset: index * words * 8 + position, as: UInt8.self) }
        }
        return table
    }

    deinit {
        pairs.deallocate()
        octets.deallocate()
        names.deallocate()
        nameLengths.deallocate()
        fragments.deallocate()
        fragmentLengths.deallocate()
        prefixes.deallocate()
        jsonPrefixes.deallocate()
        hexPairs.deallocate()
        zeroRuns.deallocate()
    }

    /// What comes before the first record.
    func begin() throws(RecordOutputError) {
        switch format {
        case .csv: output.append("ts,te,td,sa,da,sp,dp,pr,flg,ipkt,ibyt,pattern\n")
        case .json: output.append("[\n")
        case .jsonl: break
        }
    }

    /// What comes after the last record.
    func end() throws(RecordOutputError) {
        if format == .json { output.append(recordsWritten == 0 ? "]\n" : "\n]\n") }
        try output.flush()
    }

    @inline(__always)
    func write(_ record: FlowRecord) throws(RecordOutputError) {
        try output.reserveRecord()
        var cursor = RecordCursor(UnsafeMutableRawPointer(output.bytes + output.count))
        switch format {
        case .csv: cursor.position = csv(record, at: cursor.position)
        case .jsonl: cursor.position = jsonObject(record, at: cursor.position); cursor.byte(10)
        case .json:
            if recordsWritten > 0 { cursor.word(0x0A2C, length: 2) }  // ",\n"
            cursor.position = jsonObject(record, at: cursor.position)
        }
        output.count = cursor.position - UnsafeMutableRawPointer(output.bytes)
        recordsWritten &+= 1
    }

    /// One CSV line at `position`; returns where it ends. Positions go in and out by value so
    /// the cursor stays in a register (see `RecordCursor.decimal`).
    private func csv(_ record: FlowRecord, at position: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        var cursor = RecordCursor(position)
        timestamp(record.startNanoseconds, slot: 0, &cursor); cursor.byte(44)
        timestamp(record.endNanoseconds, slot: 1, &cursor); cursor.byte(44)
        // td: seconds, to the millisecond (durations are whole milliseconds): ".mmm," in one store.
        let milliseconds = UInt64(record.endNanoseconds - record.startNanoseconds) / 1_000_000
        let seconds = milliseconds / 1000, thousandths = milliseconds &- seconds &* 1000
        let hundreds = thousandths / 100
        cursor.decimal(seconds)
        cursor.word(46 | (48 + hundreds) << 8 | UInt64(pairs[Int(thousandths &- hundreds &* 100)]) << 16 | 44 << 32, length: 5)
        address(record.sourceAddress, ipv6: record.isIPv6, &cursor); cursor.byte(44)
        address(record.destinationAddress, ipv6: record.isIPv6, &cursor); cursor.byte(44)
        cursor.shortDecimal(UInt64(record.sourcePort)); cursor.byte(44)
        cursor.shortDecimal(UInt64(record.destinationPort)); cursor.byte(44)
        small(record.protocolNumber, &cursor); cursor.byte(44)
        small(record.tcpFlags, &cursor); cursor.byte(44)
        cursor.decimal(record.packets); cursor.byte(44)
        cursor.decimal(record.bytes); cursor.byte(44)
        name(record.pattern, &cursor); cursor.byte(10)
        return cursor.position
    }

    /// One JSON object at `position`; returns where it ends.
    private func jsonObject(_ record: FlowRecord, at position: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        var cursor = RecordCursor(position)
        fragment(0, &cursor); nanoseconds(record.startNanoseconds, slot: 0, &cursor)
        fragment(1, &cursor); nanoseconds(record.endNanoseconds, slot: 1, &cursor)
        fragment(2, &cursor); address(record.sourceAddress, ipv6: record.isIPv6, &cursor)
        fragment(3, &cursor); address(record.destinationAddress, ipv6: record.isIPv6, &cursor)
        fragment(4, &cursor); cursor.shortDecimal(UInt64(record.sourcePort))
        fragment(5, &cursor); cursor.shortDecimal(UInt64(record.destinationPort))
        fragment(6, &cursor); small(record.protocolNumber, &cursor)
        fragment(7, &cursor); small(record.tcpFlags, &cursor)
        fragment(8, &cursor); cursor.decimal(record.packets)
        fragment(9, &cursor); cursor.decimal(record.bytes)
        fragment(10, &cursor); name(record.pattern, &cursor)
        fragment(11, &cursor)
        return cursor.position
    }

    /// A fragment as one 16-byte store, or two for the two longer than 16 bytes (the first two:
    /// `index` is a constant once inlined, so the test folds away).
    @inline(__always)
    private func fragment(_ index: Int, _ cursor: inout RecordCursor) {
        let source = UnsafeRawPointer(fragments + index * 4)
        cursor.position.storeBytes(of: source.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
        if index < 2 {
            cursor.position.storeBytes(of: source.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), toByteOffset: 16, as: SIMD16<UInt8>.self)
        }
        cursor.position += fragmentLengths[index]
    }

    /// A number below 256, below 100 without a branch (protocols and TCP flags always are).
    @inline(__always)
    private func small(_ value: UInt8, _ cursor: inout RecordCursor) {
        guard value < 100 else { return cursor.shortDecimal(UInt64(value)) }
        let oneDigit = value < 10
        cursor.word(oneDigit ? UInt64(48 + value) : UInt64(pairs[Int(value)]), length: oneDigit ? 1 : 2)
    }

    /// Unix nanoseconds for JSON: the digits above the last eleven from the slot's prefix, then
    /// three and eight digits.
    @inline(__always)
    private func nanoseconds(_ nanoseconds: Int64, slot: Int, _ cursor: inout RecordCursor) {
        let value = UInt64(nanoseconds)
        let key = value / 100_000_000_000
        // In 1970's first 100 seconds there are fewer than twelve digits; from 2286 the prefix has nine.
        guard key > 0, key < 100_000_000 else { return cursor.decimal(value) }
        let prefix = jsonPrefixes + slot
        if key != prefix.pointee.key { prefix.pointee.update(key: key) }
        cursor.word(prefix.pointee.text, length: prefix.pointee.length)
        let rest = value &- key &* 100_000_000_000
        let thousands = rest / 100_000_000, hundreds = thousands / 100
        cursor.word(48 + hundreds | UInt64(pairs[Int(thousands &- hundreds &* 100)]) << 8, length: 3)
        cursor.eightDigits(rest &- thousands &* 100_000_000)
    }

    @inline(__always)
    private func name(_ pattern: Int, _ cursor: inout RecordCursor) {
        cursor.position.storeBytes(of: names[pattern * 2], as: UInt64.self)
        cursor.position.storeBytes(of: names[pattern * 2 + 1], toByteOffset: 8, as: UInt64.self)
        cursor.position += nameLengths[pattern]
    }

    /// RFC 3339 in UTC with nanoseconds: `2026-12-01T00:00:00.123456789Z`. "YYYY-MM-DDTHH:" comes
    /// from the slot's hour prefix (worked out again only when the hour changes), "MM:SS." is one
    /// store of two digit pairs, the fraction one digit and eight at once.
    @inline(__always)
    func timestamp(_ nanoseconds: Int64, slot: Int, _ cursor: inout RecordCursor) {
        let total = UInt64(nanoseconds)  // the config rejects times before 1970
        let second = total / 1_000_000_000, fraction = total &- second &* 1_000_000_000
        let hour = second / 3600
        let prefix = prefixes + slot
        if Int64(hour) != prefix.pointee.hour { prefix.pointee.update(hour: Int64(hour)) }
        let text = prefix.pointee.text
        cursor.position.storeBytes(of: text.0, as: UInt64.self)
        cursor.position.storeBytes(of: text.1, toByteOffset: 8, as: UInt64.self)
        cursor.position += 14
        let secondOfHour = second &- hour &* 3600
        let minute = secondOfHour / 60, secondOfMinute = secondOfHour &- minute &* 60
        cursor.word(UInt64(pairs[Int(minute)]) | 58 << 16 | UInt64(pairs[Int(secondOfMinute)]) << 24 | 46 << 40, length: 6)
        let tenths = fraction / 100_000_000
        cursor.byte(UInt8(truncatingIfNeeded: 48 + tenths))
        cursor.eightDigits(fraction &- tenths &* 100_000_000)
        cursor.byte(90)
    }

    @inline(__always)
    private func address(_ value: UInt128, ipv6: Bool, _ cursor: inout RecordCursor) {
        guard ipv6 else {
            let address = UInt32(truncatingIfNeeded: value)
            let first = octets[Int(address >> 24)], second = octets[Int(address >> 16 & 0xFF)]
            let third = octets[Int(address >> 8 & 0xFF)], fourth = octets[Int(address & 0xFF)]
            cursor.word(first, length: Int(first >> 56) + 1)
            cursor.word(second, length: Int(second >> 56) + 1)
            cursor.word(third, length: Int(third >> 56) + 1)
            cursor.word(fourth, length: Int(fourth >> 56))
            return
        }
        cursor.position = ipv6Address(value, at: cursor.position)
    }
}
