import FlowTestShared

/// Produces a config's records one by one, from its seed: a pure function of the config, so the
/// same seed gives the same records, and nothing is kept from one record to the next but the
/// clock and the random state (memory stays flat however many are made).
struct RecordGenerator: Sendable {
    private var random: SeededRandomNumberGenerator
    private let patterns: [RecordPatternDraw]
    /// Per pattern (in `patterns`' order), the pick of its destination ports (a single dummy
    /// entry for a pattern with none); all patterns' ports in one table.
    private let portChoices: [WeightedChoice]
    private let ports: [UInt16]
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
        let range = { (range: RecordsConfig.Range?) in range.map { UInt64($0.min)...UInt64($0.max) } }
        let shares = config.patterns.filter { $0.weight > 0 }
        var patterns: [RecordPatternDraw] = [], portChoices: [WeightedChoice] = [], ports: [UInt16] = []
        for share in shares {
            let index = RecordPattern.all.firstIndex { $0.name == share.pattern }!
            let pattern = RecordPattern.all[index]
            patterns.append(RecordPatternDraw(index: index, portsStart: ports.count, packets: range(config.packets), packetSize: range(config.packetSize)))
            portChoices.append(WeightedChoice(pattern.ports.isEmpty ? [1] : pattern.ports.map(\.weight)))
            ports += pattern.ports.map(\.port)
        }
        self.patterns = patterns
        self.portChoices = portChoices
        self.ports = ports
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

    /// A number from `low` to `low + width - 1`, from one draw (Lemire's multiply; the bias is
    /// below 2^-40 for these ranges).
    @inline(__always)
    private mutating func draw(_ low: UInt64, _ width: UInt64) -> UInt64 {
        low + random.next().multipliedFullWidth(by: width).high
    }

    /// The pick of a choice with one entry: its number is skipped, not mixed (the pick cannot
    /// depend on it, and the stream stays the same).
    @inline(__always)
    private mutating func skippedPick() -> Int {
        random.discard(1)
        return 0
    }

    /// An address in `subnet` from two draws, the first the high half. When the host bits are all
    /// in the low half the first draw is skipped, not mixed: the stream, and so the output, are the
    /// same, two multiplies fewer.
    @inline(__always)
    private mutating func address(in subnet: Subnet) -> UInt128 {
        if subnet.hostBitsFitLowHalf {
            random.discard(1)
            return subnet.network | UInt128(random.next() & UInt64(truncatingIfNeeded: subnet.hostMask))
        }
        return subnet.address(random: UInt128(random.next()) << 64 | UInt128(random.next()))
    }

    /// The next record; nil once the count or the span is reached. The random numbers are drawn
    /// in a fixed order (pattern, source, destination, protocol, port, packets, size, duration,
    /// flags, addresses, source port): the same seed gives the same records.
    @inline(__always)
    mutating func next() -> FlowRecord? {
        if let left = remaining {
            guard left > 0 else { return nil }
            remaining = left - 1
        }
        if let end, clock >= end { return nil }
        let patternIndex = patternChoice.isSingle ? skippedPick() : patternChoice.pick(random.next())
        let pattern = patterns[patternIndex]
        let source = sources[sourceChoice.isSingle ? skippedPick() : sourceChoice.pick(random.next())]
        // Both ends of a record are of one family: a v4 source never talks to a v6 destination.
        var destinationIndex = destinationChoice.isSingle ? skippedPick() : destinationChoice.pick(random.next())
        if destinations[destinationIndex].isIPv6 != source.isIPv6 {
            destinationIndex = destinations.firstIndex { $0.isIPv6 == source.isIPv6 } ?? destinationIndex
        }
        let destination = destinations[destinationIndex]
        let protocolNumber = pattern.twoProtocols && random.next() & 1 == 1 ? pattern.otherProtocol : pattern.protocolNumber
        let destinationPort: UInt16
        if pattern.hasPorts {
            let choice = portChoices[patternIndex].isSingle ? skippedPick() : portChoices[patternIndex].pick(random.next())
            destinationPort = ports[pattern.portsStart + choice]
        } else {
            destinationPort = UInt16(truncatingIfNeeded: draw(1, 65_535))
        }
        let packets = draw(pattern.packetsLow, pattern.packetsWidth)
        let bytes = packets * draw(pattern.packetSizeLow, pattern.packetSizeWidth)
        let duration = Int64(draw(pattern.durationLow, pattern.durationWidth)) * 1_000_000
        let flags: UInt8 = protocolNumber == 17 ? 0 : pattern.randomFlags ? UInt8(truncatingIfNeeded: random.next() & 0x3F) : pattern.tcpFlags
        let sourceAddress = address(in: source)
        let destinationAddress = address(in: destination)
        let record = FlowRecord(
            startNanoseconds: clock, endNanoseconds: clock + duration, isIPv6: source.isIPv6,
            sourceAddress: sourceAddress, destinationAddress: destinationAddress,
            sourcePort: UInt16(truncatingIfNeeded: draw(32_768, 28_232)), destinationPort: destinationPort,
            protocolNumber: protocolNumber, tcpFlags: flags, packets: packets, bytes: bytes, pattern: pattern.index)
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
