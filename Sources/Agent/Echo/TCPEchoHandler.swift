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
    private let sweeper: IdleConnectionSweeper?
    private var context: ChannelHandlerContext?
    /// When bytes last arrived; the idle sweeper reads it on this connection's event loop.
    private(set) var lastActivity = NIODeadline.now()

    init(counters: EchoListenerCounters, sweeper: IdleConnectionSweeper? = nil) {
        self.counters = counters
        self.sweeper = sweeper
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        lastActivity = .now()
        sweeper?.watch(self, on: context.eventLoop)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        sweeper?.forget(self, on: context.eventLoop)
        self.context = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = UInt64(unwrapInboundIn(data).readableBytes)
        if sweeper != nil { lastActivity = .now() }
        counters.bytesReceived.wrappingAdd(bytes, ordering: .relaxed)
        counters.bytesSent.wrappingAdd(bytes, ordering: .relaxed)
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    /// Closes the connection for having been idle longer than the idle timeout.
    func closeForIdleness() {
        guard let context else { return }
        counters.connectionsTimedOut.wrappingAdd(1, ordering: .relaxed)
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset or broken pipe from one peer ends that connection only.
        context.close(promise: nil)
    }
}
