import NIOCore

/// Sends every byte of a TCP connection back unchanged (DESIGN.md, decision 1).
///
/// A plain `ChannelHandler` rather than async code: echoing is pure wire work, and staying on the
/// event loop keeps the per-connection cost to a few hundred bytes. Writes are flushed once per read
/// burst. Reading stops while the peer is not reading its echoes (what NIO's `BackPressureHandler`
/// does, done here because a second handler cost every open connection another few hundred bytes).
final class TCPEchoHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let counters: EchoListenerCounters
    private let sweeper: IdleConnectionSweeper?
    private var context: ChannelHandlerContext?
    /// When bytes last arrived; the idle sweeper reads it on this connection's event loop.
    private(set) var lastActivity = NIODeadline.now()
    /// A read was asked for while the channel was not writable; it is issued once it is again.
    private var readPending = false

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

    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            readPending = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, readPending {
            readPending = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
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
