import FlowTestShared

/// One flow as one end of it saw it: a row of the flow log.
///
/// Both ends orient the record the same way, initiator first: the source is the generator's
/// socket (as the kernel bound it, or as the echo saw it after any SNAT), the destination is the
/// echo (as dialled, the Service VIP in Service mode, or as the echo's socket is bound, the
/// backend after DNAT). So `sourceBytes` is always what the client sent.
struct FlowLogRecord: Sendable, Equatable {
    /// Which end wrote the record.
    enum Role: String, Sendable, CaseIterable {
        case generator, echo
    }

    var flowTest: String?
    var agent: String?
    var role: Role
    /// The generator's flow index; on the echo, read from the first message's FlowTest header.
    var flowID: UInt64?
    var transport: Transport
    var sourceAddress: String
    /// 0 when the flow never had a socket (a failed name lookup, the descriptor budget).
    var sourcePort: Int
    var destinationAddress: String
    var destinationPort: Int
    /// Nanoseconds since the Unix epoch: the connect call, or the first datagram at the echo.
    var startNanoseconds: Int64
    var endNanoseconds: Int64
    /// Payload bytes the source sent, and the destination sent back.
    var sourceBytes: UInt64 = 0
    var destinationBytes: UInt64 = 0
    /// Messages (UDP: datagrams) each way; nil at a TCP echo, which sees a byte stream.
    var sourceMessages: UInt64?
    var destinationMessages: UInt64?
    var roundTripMedianNanoseconds: UInt64?
    var roundTripMaxNanoseconds: UInt64?
    var udpLost: UInt64?
    var udpDuplicated: UInt64?
    var udpReordered: UInt64?
    var tcpRetransmits: UInt64?
    /// Continuous pattern: connections re-established after an outage.
    var reconnects: UInt64?
    /// Nil: the flow completed.
    var failure: FlowFailureReason?

    /// The flow's length in nanoseconds (never negative).
    var durationNanoseconds: Int64 { max(0, endNanoseconds - startNanoseconds) }

    /// `completed` or `failed`.
    var outcome: String { failure == nil ? "completed" : "failed" }
}
