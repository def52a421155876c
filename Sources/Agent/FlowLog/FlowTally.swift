import FlowTestShared
import NIOCore

/// What one generator flow counts for its record while it runs; only made when the flow log or
/// fireflies are on (a firefly's addresses and `usage` come from it), so a flow without either
/// pays a nil check per message and nothing else.
///
/// Loop-bound like the flow that owns it: made for a flow about to start on its loop, and used
/// only there afterwards, hence `@unchecked Sendable` (as the continuous flows are).
final class FlowTally: @unchecked Sendable {
    /// When the flow asked for its socket.
    let start = NIODeadline.now()
    private(set) var sourceAddress = ""
    private(set) var sourcePort = 0
    let destinationAddress: String
    let destinationPort: Int
    var sourceBytes: UInt64 = 0
    var destinationBytes: UInt64 = 0
    var sourceMessages: UInt64 = 0
    var destinationMessages: UInt64 = 0
    var roundTrips = RoundTripEstimate()
    var tcpRetransmits: UInt64 = 0
    var udpLost: UInt64 = 0
    var udpDuplicated: UInt64 = 0
    var udpReordered: UInt64 = 0
    /// Continuous pattern: sockets after the first.
    var reconnects: UInt64 = 0

    /// A tally for a flow to `destination`, as dialled (the Service VIP in Service mode).
    init(destination: SocketAddress) {
        (destinationAddress, destinationPort) = (destination.ipAddress ?? "", destination.port ?? 0)
    }

    /// Takes the source from the first socket, once connecting or connected, as the kernel bound
    /// it; read then because a closed socket no longer has its addresses.
    func connected(_ localAddress: SocketAddress?) {
        guard sourcePort == 0 else { return }
        (sourceAddress, sourcePort) = (localAddress?.ipAddress ?? "", localAddress?.port ?? 0)
    }

    /// Counts one message of `bytes` sent.
    func sent(_ bytes: Int) {
        sourceMessages += 1
        sourceBytes += UInt64(bytes)
    }

    /// Counts `bytes` of echo received (TCP: as they arrive, so a partial echo counts too).
    func received(_ bytes: Int) {
        destinationBytes += UInt64(bytes)
    }

    /// Counts one whole echo back after `roundTrip` nanoseconds.
    func echoed(roundTrip: UInt64) {
        destinationMessages += 1
        roundTrips.record(roundTrip)
    }

    /// The flow's record, ended now.
    func record(flowID: UInt64, _ transport: Transport, failure: FlowFailureReason?, clock: WallClockAnchor, continuous: Bool = false) -> FlowLogRecord {
        var record = FlowLogRecord(
            role: .generator, flowID: flowID, transport: transport, sourceAddress: sourceAddress, sourcePort: sourcePort,
            destinationAddress: destinationAddress, destinationPort: destinationPort, startNanoseconds: clock.unixNanoseconds(start),
            endNanoseconds: clock.unixNanoseconds(.now()), sourceBytes: sourceBytes, destinationBytes: destinationBytes,
            sourceMessages: sourceMessages, destinationMessages: destinationMessages,
            roundTripMedianNanoseconds: roundTrips.median, roundTripMaxNanoseconds: roundTrips.count > 0 ? roundTrips.maximum : nil,
            failure: failure)
        if continuous { record.reconnects = reconnects }
        switch transport {
        case .tcp: record.tcpRetransmits = tcpRetransmits
        case .udp: (record.udpLost, record.udpDuplicated, record.udpReordered) = (udpLost, udpDuplicated, udpReordered)
        }
        return record
    }
}
