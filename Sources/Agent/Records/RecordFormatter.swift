/// Writes records into a `RecordOutput` as CSV, JSON or JSON Lines, byte by byte.
///
/// Speed is the point (ten million records a second on one core): digits come from a table of
/// pairs, IPv4 octets from a table of their text, and a timestamp's date and time of day are
/// computed once per second and copied for every record in that second. Thread safety: one per
/// writing task; not Sendable.
final class RecordFormatter {
    let format: RecordFormat
    private let output: RecordOutput
    /// "00" to "99", two bytes each.
    private let pairs: UnsafeMutablePointer<UInt8>
    /// Each octet's text in one word: up to three digits, then its length in the top byte; written
    /// as one 4-byte store (the room reserved per record allows the extra byte).
    private let octets: UnsafeMutablePointer<UInt32>
    /// Each pattern's name in 16 bytes, zero-padded, written as two 8-byte stores; and its length.
    private let names: UnsafeMutablePointer<UInt64>
    private let nameLengths: [Int]
    /// The fixed text between a JSON record's values, each in a 32-byte slot written as four
    /// 8-byte stores: a call to memmove per key cost more than formatting the numbers.
    private let fragments: UnsafeMutablePointer<UInt64>
    private let fragmentLengths: [Int]
    private static let jsonFragments = [
        #"{"time_flow_start_ns":"#, #","time_flow_end_ns":"#, #","src_addr":""#, #"","dst_addr":""#, #"","src_port":"#,
        #","dst_port":"#, #","proto":"#, #","tcp_flags":"#, #","packets":"#, #","bytes":"#, #","pattern":""#, #""}"#,
    ]
    private var cachedDay = Int64.min
    /// "YYYY-MM-DDT" of `cachedDay`, in two words (11 bytes used).
    private var cachedDate: (UInt64, UInt64) = (0, 0)
    /// Each byte's two lowercase hex digits, as one 16-bit word.
    private let hexPairs: UnsafeMutablePointer<UInt16>
    /// For each set of zero groups (bit i: group i is zero), where the run shortened to `::` starts
    /// and how long it is (RFC 5952: the first longest run of two or more; length 0: none).
    private let zeroRuns: UnsafeMutablePointer<(start: Int8, length: Int8)>
    private var recordsWritten: UInt64 = 0

    init(format: RecordFormat, output: RecordOutput) {
        self.format = format
        self.output = output
        pairs = .allocate(capacity: 200)
        for value in 0..<100 {
            pairs[value * 2] = UInt8(48 + value / 10)
            pairs[value * 2 + 1] = UInt8(48 + value % 10)
        }
        octets = .allocate(capacity: 256)
        for value in 0..<256 {
            let text = Array(String(value).utf8)
            var word = UInt32(text.count) << 24
            for (position, byte) in text.enumerated() { word |= UInt32(byte) << (8 * UInt32(position)) }
            octets[value] = word
        }
        fragments = .allocate(capacity: Self.jsonFragments.count * 4)
        fragmentLengths = Self.jsonFragments.map(\.utf8.count)
        for (index, text) in Self.jsonFragments.enumerated() {
            let bytes = Array(text.utf8)
            precondition(bytes.count <= 32, "JSON fragments fit 32 bytes")
            var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &words) { raw in for (position, byte) in bytes.enumerated() { raw[position] = byte } }
            (fragments[index * 4], fragments[index * 4 + 1], fragments[index * 4 + 2], fragments[index * 4 + 3]) = words
        }
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
        names = .allocate(capacity: RecordPattern.all.count * 2)
        nameLengths = RecordPattern.all.map(\.name.utf8.count)
        for (index, pattern) in RecordPattern.all.enumerated() {
            let text = Array(pattern.name.utf8)
            precondition(text.count <= 16, "pattern names fit 16 bytes")
            var words: (UInt64, UInt64) = (0, 0)
            withUnsafeMutableBytes(of: &words) { raw in for (position, byte) in text.enumerated() { raw[position] = byte } }
            names[index * 2] = words.0
            names[index * 2 + 1] = words.1
        }
    }

    deinit {
        pairs.deallocate()
        octets.deallocate()
        names.deallocate()
        fragments.deallocate()
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
        switch format {
        case .csv: csv(record)
        case .jsonl: jsonObject(record); output.append(10)
        case .json:
            if recordsWritten > 0 { output.append(",\n") }
            jsonObject(record)
        }
        recordsWritten &+= 1
    }

    @inline(__always)
    private func csv(_ record: FlowRecord) {
        timestamp(record.startNanoseconds); output.append(44)
        timestamp(record.endNanoseconds); output.append(44)
        // td: seconds, to the millisecond (durations are whole milliseconds).
        let milliseconds = UInt64(record.endNanoseconds - record.startNanoseconds) / 1_000_000
        decimal(milliseconds / 1000); output.append(46); padded(milliseconds % 1000, digits: 3); output.append(44)
        address(record.sourceAddress, ipv6: record.isIPv6); output.append(44)
        address(record.destinationAddress, ipv6: record.isIPv6); output.append(44)
        decimal(UInt64(record.sourcePort)); output.append(44)
        decimal(UInt64(record.destinationPort)); output.append(44)
        decimal(UInt64(record.protocolNumber)); output.append(44)
        decimal(UInt64(record.tcpFlags)); output.append(44)
        decimal(record.packets); output.append(44)
        decimal(record.bytes); output.append(44)
        name(record.pattern); output.append(10)
    }

    @inline(__always)
    private func jsonObject(_ record: FlowRecord) {
        fragment(0); decimal(UInt64(record.startNanoseconds))
        fragment(1); decimal(UInt64(record.endNanoseconds))
        fragment(2); address(record.sourceAddress, ipv6: record.isIPv6)
        fragment(3); address(record.destinationAddress, ipv6: record.isIPv6)
        fragment(4); decimal(UInt64(record.sourcePort))
        fragment(5); decimal(UInt64(record.destinationPort))
        fragment(6); decimal(UInt64(record.protocolNumber))
        fragment(7); decimal(UInt64(record.tcpFlags))
        fragment(8); decimal(record.packets)
        fragment(9); decimal(record.bytes)
        fragment(10); name(record.pattern)
        fragment(11)
    }

    @inline(__always)
    private func fragment(_ index: Int) {
        let target = UnsafeMutableRawPointer(output.bytes + output.count)
        let source = fragments + index * 4
        target.storeBytes(of: source[0], as: UInt64.self)
        target.storeBytes(of: source[1], toByteOffset: 8, as: UInt64.self)
        target.storeBytes(of: source[2], toByteOffset: 16, as: UInt64.self)
        target.storeBytes(of: source[3], toByteOffset: 24, as: UInt64.self)
        output.count += fragmentLengths[index]
    }

    @inline(__always)
    private func name(_ pattern: Int) {
        let target = UnsafeMutableRawPointer(output.bytes + output.count)
        target.storeBytes(of: names[pattern * 2], as: UInt64.self)
        target.storeBytes(of: names[pattern * 2 + 1], toByteOffset: 8, as: UInt64.self)
        output.count += nameLengths[pattern]
    }

    /// RFC 3339 in UTC with nanoseconds: `2026-12-01T00:00:00.123456789Z`. The date is worked
    /// out once per day; the time of day is three digit pairs.
    @inline(__always)
    private func timestamp(_ nanoseconds: Int64) {
        let (second, fraction) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        let day = second >= 0 ? second / 86_400 : (second - 86_399) / 86_400
        if day != cachedDay { cacheDay(day) }
        let target = UnsafeMutableRawPointer(output.bytes + output.count)
        target.storeBytes(of: cachedDate.0, as: UInt64.self)
        target.storeBytes(of: cachedDate.1, toByteOffset: 8, as: UInt64.self)
        output.count += 11
        let secondOfDay = Int(second - day * 86_400)
        let hour = secondOfDay / 3600, minute = secondOfDay / 60 % 60, secondOfMinute = secondOfDay % 60
        pair(hour); output.append(58); pair(minute); output.append(58); pair(secondOfMinute); output.append(46)
        padded(UInt64(fraction), digits: 9)
        output.append(90)
    }

    @inline(__always)
    private func pair(_ value: Int) {
        output.bytes[output.count] = pairs[value * 2]
        output.bytes[output.count + 1] = pairs[value * 2 + 1]
        output.count += 2
    }

    /// Works out "YYYY-MM-DDT" of a day since 1970.
    private func cacheDay(_ days: Int64) {
        cachedDay = days
        let (year, month, dayOfMonth) = RFC3339Time.civil(fromDays: days)
        var date: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &date) { raw in
            let put = { (offset: Int, value: Int64) in
                raw[offset] = self.pairs[Int(value) * 2]
                raw[offset + 1] = self.pairs[Int(value) * 2 + 1]
            }
            put(0, year / 100); put(2, year % 100); raw[4] = 45
            put(5, month); raw[7] = 45
            put(8, dayOfMonth); raw[10] = 84
        }
        cachedDate = date
    }

    @inline(__always)
    private func decimal(_ value: UInt64) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, filled from the end
        withUnsafeMutableBytes(of: &digits) { scratch in
            var position = 24
            var rest = value
            while rest >= 100 {
                let pair = Int(rest % 100)
                rest /= 100
                position -= 2
                scratch[position] = pairs[pair * 2]
                scratch[position + 1] = pairs[pair * 2 + 1]
            }
            if rest >= 10 {
                position -= 2
                scratch[position] = pairs[Int(rest) * 2]
                scratch[position + 1] = pairs[Int(rest) * 2 + 1]
            } else {
                position -= 1
                scratch[position] = UInt8(48 + rest)
            }
            let length = 24 - position
            (output.bytes + output.count).update(from: scratch.baseAddress!.assumingMemoryBound(to: UInt8.self) + position, count: length)
            output.count += length
        }
    }

    /// `value` with leading zeros to `digits` digits (`value` has at most that many).
    @inline(__always)
    private func padded(_ value: UInt64, digits: Int) {
        var rest = value
        var position = output.count + digits
        output.count = position
        var left = digits
        while left >= 2 {
            let pair = Int(rest % 100)
            rest /= 100
            position -= 2
            output.bytes[position] = pairs[pair * 2]
            output.bytes[position + 1] = pairs[pair * 2 + 1]
            left -= 2
        }
        if left == 1 { output.bytes[position - 1] = UInt8(48 + rest % 10) }
    }

    @inline(__always)
    private func address(_ value: UInt128, ipv6: Bool) {
        guard ipv6 else {
            let address = UInt32(truncatingIfNeeded: value)
            octet(Int(address >> 24)); output.append(46)
            octet(Int(address >> 16 & 0xFF)); output.append(46)
            octet(Int(address >> 8 & 0xFF)); output.append(46)
            octet(Int(address & 0xFF))
            return
        }
        ipv6Address(value)
    }

    @inline(__always)
    private func octet(_ value: Int) {
        let word = octets[value]
        UnsafeMutableRawPointer(output.bytes + output.count).storeBytes(of: word, as: UInt32.self)
        output.count += Int(word >> 24)
    }

    /// RFC 5952 text: lowercase, no leading zeros, the first longest run of two or more zero
    /// groups as `::`.
    private func ipv6Address(_ value: UInt128) {
        let high = UInt64(truncatingIfNeeded: value >> 64), low = UInt64(truncatingIfNeeded: value)
        @inline(__always) func group(_ index: Int) -> UInt16 {
            UInt16(truncatingIfNeeded: (index < 4 ? high : low) >> UInt64(48 - 16 * (index & 3)))
        }
        var zeros = 0
        for index in 0..<8 where group(index) == 0 { zeros |= 1 << index }
        let run = zeroRuns[zeros]
        let runStart = run.length > 0 ? Int(run.start) : 8
        let runEnd = runStart + Int(run.length)
        for index in 0..<runStart {
            if index > 0 { output.append(58) }
            hex(group(index))
        }
        if run.length > 0 {
            output.append(58)
            output.append(58)
        }
        for index in runEnd..<8 {
            if index > runEnd { output.append(58) }
            hex(group(index))
        }
    }

    /// A group in hex without leading zeros: four digits from two table lookups, one 4-byte
    /// store, then the count moves past the digits that are kept.
    @inline(__always)
    private func hex(_ group: UInt16) {
        let digits = UInt32(hexPairs[Int(group >> 8)]) | UInt32(hexPairs[Int(group & 0xFF)]) << 16
        let skipped = min(3, group.leadingZeroBitCount / 4)
        UnsafeMutableRawPointer(output.bytes + output.count).storeBytes(of: digits >> UInt32(8 * skipped), as: UInt32.self)
        output.count += 4 - skipped
    }
}
