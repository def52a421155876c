/// What `RecordGenerator` needs of one pattern to draw a record, in plain values: no arrays,
/// strings or optionals to look through per record, and nothing reference-counted, so taking one
/// out of the generator's array copies bytes and touches no reference count (an optional
/// `WeightedChoice` in here cost a retain and a release per record).
struct RecordPatternDraw: Sendable {
    /// Index into `RecordPattern.all`.
    let index: Int
    /// The protocol; with `twoProtocols`, one random bit picks it or `otherProtocol`.
    let protocolNumber: UInt8
    let otherProtocol: UInt8
    let twoProtocols: Bool
    /// The TCP flags of every record of this pattern; with `randomFlags`, six random bits instead.
    let tcpFlags: UInt8
    let randomFlags: Bool
    /// Whether the pattern has its own destination ports (the generator holds them and their
    /// pick, at `portsStart` in its table); if not, any port from 1 to 65535.
    let hasPorts: Bool
    let portsStart: Int
    /// Each range as its lowest value and its width (count of values), ready for Lemire's multiply.
    let packetsLow: UInt64, packetsWidth: UInt64
    let packetSizeLow: UInt64, packetSizeWidth: UInt64
    let durationLow: UInt64, durationWidth: UInt64

    /// The pattern at `index`, with packets and packet size overridden if the config says so.
    init(index: Int, portsStart: Int, packets: ClosedRange<UInt64>?, packetSize: ClosedRange<UInt64>?) {
        let pattern = RecordPattern.all[index]
        self.index = index
        protocolNumber = pattern.protocolNumbers[0]
        otherProtocol = pattern.protocolNumbers.last!
        twoProtocols = pattern.protocolNumbers.count == 2
        tcpFlags = pattern.tcpFlags ?? 0
        randomFlags = pattern.tcpFlags == nil
        hasPorts = !pattern.ports.isEmpty
        self.portsStart = portsStart
        let packets = packets ?? pattern.packets, packetSize = packetSize ?? pattern.packetSize
        packetsLow = packets.lowerBound
        packetsWidth = packets.upperBound - packets.lowerBound + 1
        packetSizeLow = packetSize.lowerBound
        packetSizeWidth = packetSize.upperBound - packetSize.lowerBound + 1
        durationLow = pattern.durationMilliseconds.lowerBound
        durationWidth = pattern.durationMilliseconds.upperBound - pattern.durationMilliseconds.lowerBound + 1
    }
}
