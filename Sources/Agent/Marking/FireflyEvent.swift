import FlowTestShared

/// One flow start or end, as a firefly announces it.
struct FireflyEvent: Sendable {
    enum State: String, Sendable {
        case start, end
    }

    var state: State
    var transport: Transport
    var sourceAddress: String
    var sourcePort: Int
    var destinationAddress: String
    var destinationPort: Int
    /// Unix nanoseconds.
    var startTime: Int64
    /// Unix nanoseconds; end events only.
    var endTime: Int64?
    /// Payload bytes sent and received; end events only.
    var usage: (sent: UInt64, received: UInt64)?

    var isIPv6: Bool { destinationAddress.contains(":") }

    /// The event of a flow whose figures are in `tally` (the flow log's, made for fireflies too).
    init(_ state: State, _ transport: Transport, tally: FlowTally, clock: WallClockAnchor) {
        self.state = state
        self.transport = transport
        (sourceAddress, sourcePort) = (tally.sourceAddress, tally.sourcePort)
        (destinationAddress, destinationPort) = (tally.destinationAddress, tally.destinationPort)
        startTime = clock.unixNanoseconds(tally.start)
        if state == .end {
            endTime = clock.unixNanoseconds(.now())
            usage = (tally.sourceBytes, tally.destinationBytes)
        }
    }
}
