import Foundation
import Testing

@testable import FlowTestAgent

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension RecordsTests {
    /// The formatter's shortcuts against plain references: the cached RFC 3339 hour prefix and
    /// JSON nanosecond prefix across minute, hour, day, year and 100-second boundaries (in order
    /// and jumping back and forth), eight-digits-at-once numbers against `String`, the IPv6 fast
    /// path against `inet_ntop`, and the bucketed weighted pick against a plain scan.
    @Suite("Record formatting shortcuts")
    struct Formatter {
        /// The records' text in `format`, one line each, from a fresh formatter (fresh caches).
        static func lines(_ records: [FlowRecord], _ format: RecordFormat) throws -> [String] {
            let output = RecordOutput(descriptor: -1)  // never flushed: a few records stay in the buffer
            let formatter = RecordFormatter(format: format, output: output)
            try formatter.begin()
            for record in records { try formatter.write(record) }
            let text = String(decoding: UnsafeBufferPointer(start: output.bytes, count: output.count), as: UTF8.self)
            let lines = text.split(separator: "\n").map(String.init)
            return format == .csv ? Array(lines.dropFirst()) : lines
        }

        /// RFC 3339 with nanoseconds the slow way: Foundation for the seconds, printf for the fraction.
        static func rfc3339(_ nanoseconds: Int64) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            let date = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(nanoseconds / 1_000_000_000)))
            return date.dropLast() + String(format: ".%09lldZ", nanoseconds % 1_000_000_000)
        }

        static func address(_ value: UInt128, ipv6: Bool) -> String {
            var text = [CChar](repeating: 0, count: 64)
            if ipv6 {
                var bytes = (0..<16).map { UInt8(truncatingIfNeeded: value >> UInt128(8 * (15 - $0))) }
                _ = inet_ntop(AF_INET6, &bytes, &text, 64)
            } else {
                var bytes = (0..<4).map { UInt8(truncatingIfNeeded: value >> UInt128(8 * (3 - $0))) }
                _ = inet_ntop(AF_INET, &bytes, &text, 64)
            }
            return String(cString: text)
        }

        /// Whether `text` is `value` in RFC 5952 form: it parses back to the same bytes and reads as
        /// inet_ntop writes it (except glibc's dotted tail for ::a.b.c.d, RFC 5952's section 5 form
        /// for embedded IPv4, which the formatter does not use: it cannot know the intent).
        static func isCanonical(_ text: String, _ value: UInt128, ipv6: Bool) -> Bool {
            var bytes = [UInt8](repeating: 0, count: 16)
            guard inet_pton(ipv6 ? AF_INET6 : AF_INET, text, &bytes) == 1 else { return false }
            let parsed = bytes.prefix(ipv6 ? 16 : 4).reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
            let reference = address(value, ipv6: ipv6)
            return parsed == value && (reference.contains(".") && ipv6 || text == reference)
        }

        static func record(start: Int64, end: Int64, source: UInt128 = 0x0A00_0001, destination: UInt128 = 0xC0A8_0001,
                           ipv6: Bool = false, packets: UInt64 = 1, bytes: UInt64 = 64) -> FlowRecord {
            FlowRecord(
                startNanoseconds: start, endNanoseconds: end, isIPv6: ipv6, sourceAddress: source, destinationAddress: destination,
                sourcePort: 40_000, destinationPort: 443, protocolNumber: 6, tcpFlags: 27, packets: packets, bytes: bytes, pattern: 0)
        }

        /// Times on both sides of each boundary, to the nanosecond: 2026-12-31T23:59:59.999999999Z
        /// and on (minute, hour, day, month, year), a leap day, 100-second steps, and
        /// 1970-01-01T00:01:40Z, where JSON's nanoseconds reach twelve digits.
        static let boundaries: [Int64] = {
            let second: Int64 = 1_000_000_000
            let newYear2027: Int64 = 1_798_761_600 * second  // 2027-01-01T00:00:00Z
            let leapDay2028: Int64 = 1_835_395_200 * second  // 2028-02-29T00:00:00Z
            let twelveDigits: Int64 = 100 * second
            var times: [Int64] = []
            for anchor in [newYear2027, leapDay2028, newYear2027 - 3600 * second, newYear2027 + 60 * second, twelveDigits] {
                for offset: Int64 in [-second - 1, -second, -1, 0, 1, second - 1, second, 59 * second, 100 * second - 1, 100 * second] {
                    times.append(anchor + offset)
                }
            }
            return times
        }()

        @Test func timestampsAcrossBoundariesMatchTheSlowFormatter() throws {
            let ordered = Self.boundaries.sorted()
            // Starts in order; ends jump back and forth, so each cache is also tested against misses.
            let ends = ordered.enumerated().map { index, time in index % 2 == 0 ? time + 3_599_999_999_999 : time + 1 }
            let records = zip(ordered, ends).map { Self.record(start: $0, end: $1) }
            let csv = try Self.lines(records, .csv)
            let jsonl = try Self.lines(records, .jsonl)
            #expect(csv.count == records.count && jsonl.count == records.count)
            for (index, record) in records.enumerated() {
                let fields = csv[index].split(separator: ",").map(String.init)
                #expect(fields[0] == Self.rfc3339(record.startNanoseconds))
                #expect(fields[1] == Self.rfc3339(record.endNanoseconds))
                let milliseconds = (record.endNanoseconds - record.startNanoseconds) / 1_000_000
                #expect(fields[2] == "\(milliseconds / 1000)." + String(format: "%03lld", milliseconds % 1000))
                let object = try #require(try JSONSerialization.jsonObject(with: Data(jsonl[index].utf8)) as? [String: Any])
                #expect("\(object["time_flow_start_ns"]!)" == String(record.startNanoseconds), "\(jsonl[index])")
                #expect(jsonl[index].contains(#""time_flow_end_ns":\#(record.endNanoseconds),"#), "\(jsonl[index])")
            }
        }

        @Test func numbersAndAddressesMatchTheirReferences() throws {
            var random = SeededRandomNumberGenerator(seed: 5)
            var records: [FlowRecord] = []
            // Every digit count of a byte count, then random values; IPv6 groups with zeros in
            // every place, alone and in runs, so both the fast path and the `::` path are used.
            var counts: [UInt64] = [0, 9, 10, 99, 100, 99_999_999, 100_000_000, 999_999_999_999, UInt64.max]
            for digits in 1..<20 { counts.append(UInt64(pow(10.0, Double(digits - 1)))); counts.append(UInt64(pow(10.0, Double(digits))) - 1) }
            for index in 0..<3000 {  // about 800 KB of JSON Lines: the buffer holds them all
                let bytes = index < counts.count ? counts[index] : random.next() >> (random.next() % 64)
                var groups = (0..<8).map { _ in UInt16(truncatingIfNeeded: random.next()) >> UInt16(random.next() % 17 == 0 ? 0 : random.next() % 16) }
                for group in 0..<8 where random.next() % 3 == 0 { groups[group] = 0 }
                let v6 = groups.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
                let ipv6 = index % 2 == 0
                let v4 = UInt128(UInt32(truncatingIfNeeded: random.next()) >> UInt32(random.next() % 32))
                let time = 1_796_083_200_000_000_000 + Int64(index) * 1_234_567_891
                records.append(Self.record(start: time, end: time + 1_000_000, source: ipv6 ? v6 : v4, destination: ipv6 ? ~v6 : ~v4 & 0xFFFF_FFFF,
                                           ipv6: ipv6, packets: random.next() % 1_000_001, bytes: bytes))
            }
            let csv = try Self.lines(records, .csv)
            for (line, record) in zip(csv, records) {
                let fields = line.split(separator: ",").map(String.init)
                #expect(Self.isCanonical(fields[3], record.sourceAddress, ipv6: record.isIPv6), "\(line)")
                #expect(Self.isCanonical(fields[4], record.destinationAddress, ipv6: record.isIPv6), "\(line)")
                #expect(fields[5] == "40000" && fields[6] == "443" && fields[7] == "6" && fields[8] == "27")
                #expect(fields[9] == String(record.packets) && fields[10] == String(record.bytes), "\(line)")
            }
            for (line, record) in zip(try Self.lines(records, .jsonl), records) {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(Self.isCanonical(object["src_addr"] as? String ?? "", record.sourceAddress, ipv6: record.isIPv6), "\(line)")
                #expect(Self.isCanonical(object["dst_addr"] as? String ?? "", record.destinationAddress, ipv6: record.isIPv6), "\(line)")
                #expect(line.contains(#""packets":\#(record.packets),"bytes":\#(record.bytes),"#), "\(line)")
            }
        }

        @Test func bucketedPicksMatchAPlainScan() {
            var random = SeededRandomNumberGenerator(seed: 9)
            for weights: [UInt64] in [[1], [40, 20, 5, 15, 5, 5, 10], [1, 0, 0, 99], [1, 1_000_000], Array(repeating: 1, count: 300), [0, 3, 0]] {
                let choice = WeightedChoice(weights)
                let total = weights.reduce(0, +)
                let thresholds = weights.indices.map { index in
                    let running = weights[...index].reduce(0, +)
                    return running == total ? UInt64.max : UInt64((UInt128(running) << 64) / UInt128(total))
                }
                // Random numbers, and each threshold and its neighbours (where buckets split).
                let numbers = (0..<20_000).map { _ in random.next() } + thresholds.flatMap { [$0 &- 1, $0, $0 &+ 1] }
                for number in numbers {
                    #expect(choice.pick(number) == thresholds.firstIndex { number <= $0 }!, "\(weights.prefix(8)) \(number)")
                }
            }
        }

        @Test func zeroPrefixSubnetsAndStartsBefore1970() throws {
            #expect(Subnet("::/0")?.address(random: ~0) == ~0)
            #expect(Subnet("0.0.0.0/0")?.address(random: ~0) == 0xFFFF_FFFF)
            #expect(Subnet("2001:db8::/64")?.hostBitsFitLowHalf == true && Subnet("2001:db8::/63")?.hostBitsFitLowHalf == false)
            let path = try RecordsTests.file(RecordsTests.config.replacingOccurrences(of: "2026-12-01T23:59:59.5Z", with: "1969-12-31T23:59:59Z"))
            let error = #expect(throws: RecordsConfigError.self) { try RecordsConfig.load(path) }
            #expect(error?.description.contains("start: Invalid value: \"1969-12-31T23:59:59Z\": must be 1970") == true, "\(String(describing: error))")
        }
    }
}
