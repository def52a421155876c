import FlowTestShared
import NIOCore

/// What one TCP connection at the echo counts for its record; made only when the flow log is on.
///
/// Loop-bound like the connection's handler.
final class EchoTCPTally {
    private let start = NIODeadline.now()
    private let client: SocketAddress?
    private let server: SocketAddress?
    private var flowID: UInt64?
    private var sawFirstBytes = false
    private var bytes: UInt64 = 0
    /// Bytes sent back when the connection carried sized requests (a traffic mix), whose
    /// responses differ from what came in; nil for a pure echo, which sends what it received.
    private var answeredBytes: UInt64?
    /// Why the connection ended, when it did not end cleanly.
    var failure: FlowFailureReason?

    /// Takes the 5-tuple of a connection just accepted: the client as it reached the echo (after
    /// any SNAT), the echo's own address as the kernel bound it (the backend after any DNAT).
    init(_ channel: any Channel) {
        client = channel.remoteAddress
        server = channel.localAddress
    }

    /// Counts bytes received, and so echoed; the first read names the flow if it starts with a
    /// FlowTest header.
    func received(_ buffer: ByteBuffer) {
        if !sawFirstBytes {
            sawFirstBytes = true
            flowID = FlowHeader(peekingAt: buffer)?.flowID
        }
        bytes += UInt64(buffer.readableBytes)
    }

    /// Names the flow when its protocol said which it is (not in a FlowTest header).
    func identified(_ flowID: UInt64) {
        self.flowID = flowID
    }

    /// Counts bytes sent back in answer to sized requests.
    func answered(_ count: Int) {
        answeredBytes = (answeredBytes ?? 0) + UInt64(count)
    }

    /// The connection's record, ended now.
    func record(clock: WallClockAnchor) -> FlowLogRecord {
        FlowLogRecord(
            role: .echo, flowID: flowID, transport: .tcp, sourceAddress: client?.ipAddress ?? "", sourcePort: client?.port ?? 0,
            destinationAddress: server?.ipAddress ?? "", destinationPort: server?.port ?? 0,
            startNanoseconds: clock.unixNanoseconds(start), endNanoseconds: clock.unixNanoseconds(.now()), sourceBytes: bytes,
            destinationBytes: answeredBytes ?? bytes, failure: failure)
    }
}
