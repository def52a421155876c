import FlowTestShared
import NIOCore

/// The pipeline end of one new-connection probe over TCP: once connected, sends one header and
/// reports as soon as all of it is echoed back; a reset, a close or a different answer first
/// reports the probe failed. It reports once; the prober closes the socket.
final class TCPProbeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let header: FlowHeader
    /// Called once with nil for an echoed probe, or the cause of a failed one.
    private var report: ((FlowFailureReason?) -> Void)?
    private var echoed = 0

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
        let buffer = unwrapInboundIn(data)
        guard echoed + buffer.readableBytes <= FlowHeader.size, header.matches(buffer, fromHeaderOffset: echoed) else {
            // More bytes than were sent, or different ones: whatever answered is not a pure echo.
            return finish(.corrupted)
        }
        echoed += buffer.readableBytes
        if echoed == FlowHeader.size { finish(nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(FlowFailureReason(classifying: error))
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.closed)
        context.fireChannelInactive()
    }

    private func finish(_ failure: FlowFailureReason?) {
        report?(failure)
        report = nil
    }
}
