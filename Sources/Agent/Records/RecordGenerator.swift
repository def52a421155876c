import FlowTestShared

/// Produces a config's records one by one, from its seed: a pure function of the config, so the
/// same seed gives the same records, and nothing is kept from one record to the next but the
/// clock and the random state (memory stays flat however many are made).
struct RecordGenerator: Sendable {
    private struct Choice: Sendable {
        let pattern: RecordPattern
        let index: Int
        let ports: WeightedChoice?
        let packets: ClosedRange<UInt64>
        let packetSize: ClosedRange<UInt64>
    }

    private var random: SeededRandomNumberGenerator
    private let patterns: [Choice]
    private let patternChoice: WeightedChoice
    private let sources: [Subnet]
    private let sourceChoice: WeightedChoice
    private let destinations: [Subnet]
    private let destinationChoice: WeightedChoice
    private let bandwidth: UInt64
    /// The next record's start, and the part of a nanosecond carried over (in units of 1/bandwidth ns).
    private var clock: Int64
    private var clockRemainder: UInt64 = 0
    private let end: Int64?
    private var remaining: Int64?

    /// `config` must have passed `RecordsConfig.load`.
    init(_ config: RecordsConfig) {
        random = SeededRandomNumberGenerator(seed: UInt64(config.seed ?? 0))
        let override = { (range: RecordsConfig.Range?, own: ClosedRange<UInt64>) in
            range.map { UInt64($0.min)...UInt64($0.max) } ?? own
        }
        let shares = config.patterns.filter { $0.weight > 0 }
        patterns = shares.map { share in
            let index = RecordPattern.all.firstIndex { $0.name == share.pattern }!
            let pattern = RecordPattern.all[index]
            return Choice(
                pattern: pattern, index: index, ports: pattern.ports.isEmpty ? nil : WeightedChoice(pattern.ports.map(\.weight)),
                packets: override(config.packets, pattern.packets), packetSize: override(config.packetSize, pattern.packetSize))
        }
        patternChoice = WeightedChoice(shares.map { UInt64($0.weight) })
        let sourceShares = config.sources.filter { $0.weight > 0 }
        sources = sourceShares.map { Subnet($0.subnet)! }
        sourceChoice = WeightedChoice(sourceShares.map { UInt64($0.weight) })
        let destinationShares = config.destinations.filter { $0.weight > 0 }
        destinations = destinationShares.map { Subnet($0.subnet)! }
        destinationChoice = WeightedChoice(destinationShares.map { UInt64($0.weight) })
        bandwidth = UInt64(config.bandwidth)
        clock = config.startNanoseconds!
        if let span = config.span.flatMap(ValueParsers.duration) {
            let (seconds, attoseconds) = span.components
            end = clock + seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        } else {
            end = nil
        }
        remaining = config.records
    }

    /// A number in `range`, from one draw (Lemire's multiply; the bias is below 2^-40 for these ranges).
    @inline(__always)
    private mutating func draw(_ range: ClosedRange<UInt64>) -> UInt64 {
        let width = range.upperBound - range.lowerBound + 1
        return range.lowerBound + random.next().multipliedFullWidth(by: width).high
    }

    /// The next record; nil once the count or the span is reached.
    @inline(__always)
    mutating func next() -> FlowRecord? {
        if let left = remaining {
            guard left > 0 else { return nil }
            remaining = left - 1
        }
        if let end, clock >= end { return nil }
        let choice = patterns[patternChoice.pick(random.next())]
        let pattern = choice.pattern
        let source = sources[sourceChoice.pick(random.next())]
        // Both ends of a record are of one family: a v4 source never talks to a v6 destination.
        var destinationIndex = destinationChoice.pick(random.next())
        if destinations[destinationIndex].isIPv6 != source.isIPv6 {
            destinationIndex = destinations.firstIndex { $0.isIPv6 == source.isIPv6 } ?? destinationIndex
        }
        let destination = destinations[destinationIndex]
        let protocolNumber = pattern.protocolNumbers.count == 1 ? pattern.protocolNumbers[0] : pattern.protocolNumbers[Int(random.next() & 1)]
        let destinationPort = choice.ports.map { pattern.ports[$0.pick(random.next())].port } ?? UInt16(truncatingIfNeeded: draw(1...65_535))
        let packets = draw(choice.packets)
        let bytes = packets * draw(choice.packetSize)
        let duration = Int64(draw(pattern.durationMilliseconds)) * 1_000_000
        let flags: UInt8 = protocolNumber == 17 ? 0 : pattern.tcpFlags ?? UInt8(truncatingIfNeeded: random.next() & 0x3F)
        let record = FlowRecord(
            startNanoseconds: clock, endNanoseconds: clock + duration, isIPv6: source.isIPv6,
            sourceAddress: source.address(random: UInt128(random.next()) << 64 | UInt128(random.next())),
            destinationAddress: destination.address(random: UInt128(random.next()) << 64 | UInt128(random.next())),
            sourcePort: UInt16(truncatingIfNeeded: draw(32_768...60_999)), destinationPort: destinationPort,
            protocolNumber: protocolNumber, tcpFlags: flags, packets: packets, bytes: bytes, pattern: choice.index)
        advanceClock(by: bytes)
        return record
    }

    /// The next record starts when this one's bytes have passed at the bandwidth: exact to the
    /// nanosecond over any number of records (the remainder is carried, never dropped).
    @inline(__always)
    private mutating func advanceClock(by bytes: UInt64) {
        // Below 2^31 bytes the product fits 64 bits; beyond (packet overrides at their largest), 128.
        if bytes < 1 << 31 {
            let (quotient, remainder) = (bytes * 8_000_000_000 + clockRemainder).quotientAndRemainder(dividingBy: bandwidth)
            clock += Int64(quotient)
            clockRemainder = remainder
        } else {
            let (quotient, remainder) = (UInt128(bytes) * 8_000_000_000 + UInt128(clockRemainder)).quotientAndRemainder(dividingBy: UInt128(bandwidth))
            clock += Int64(quotient)
            clockRemainder = UInt64(remainder)
        }
    }
}
