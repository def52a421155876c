import FlowTestShared
import NIOCore

/// The pipeline end of one new-connection probe over UDP: a new socket (a new source port, so a
/// new conntrack entry and a fresh load-balancing decision) sends one datagram and reports when
/// its echo comes back; an ICMP error the kernel reports on the connected socket (refused,
/// unreachable) reports the probe failed. It reports once; the prober closes the socket.
final class UDPProbeHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let header: FlowHeader
    /// Called once with nil for an echoed probe, or the cause of a failed one.
    private var report: ((FlowFailureReason?) -> Void)?

    init(header: FlowHeader, report: @escaping (FlowFailureReason?) -> Void) {
        self.header = header
        self.report = report
    }

    func channelActive(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: FlowHeader.size)
        header.write(to: &buffer)
        context.writeAndFlush(NIOAny(buffer), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        // Anything else on the socket (a stray datagram) is not the answer: keep waiting.
        guard envelope.data.readableBytes == FlowHeader.size, header.matches(envelope.data, fromHeaderOffset: 0) else { return }
        finish(nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(FlowFailureReason(classifying: error))
    }

    private func finish(_ failure: FlowFailureReason?) {
        report?(failure)
        report = nil
    }
}
