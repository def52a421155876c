import NIOCore

/// Sends every byte of a TCP connection back unchanged (DESIGN.md, decision 1).
///
/// A plain `ChannelHandler` rather than async code: echoing is pure wire work, and staying on the
/// event loop keeps the per-connection cost to a few hundred bytes. Writes are flushed once per read
/// burst; `BackPressureHandler` in front stops reading while the peer is not reading its echoes.
final class TCPEchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let counters: EchoListenerCounters

    init(counters: EchoListenerCounters) {
        self.counters = counters
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = UInt64(unwrapInboundIn(data).readableBytes)
        counters.bytesReceived.wrappingAdd(bytes, ordering: .relaxed)
        counters.bytesSent.wrappingAdd(bytes, ordering: .relaxed)
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            counters.connectionsTimedOut.wrappingAdd(1, ordering: .relaxed)
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset or broken pipe from one peer ends that connection only.
        context.close(promise: nil)
    }
}
