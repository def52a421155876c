import NIOCore

/// A flow's NIO channel as its `FlowWire`: the generator's data plane before issue 26, kept for
/// side-by-side benchmarks (`FLOWTEST_GENERATOR_NIO`) and for the continuous pattern's flows.
final class ChannelFlowWire: FlowWire {
    private let context: ChannelHandlerContext
    /// A datagram is built as one buffer; a stream message is written as its header, then a
    /// slice of the filler, with no copy.
    private let isStream: Bool

    init(_ context: ChannelHandlerContext, isStream: Bool) {
        (self.context, self.isStream) = (context, isStream)
    }

    func send(_ header: FlowHeader?, fillerCount: Int, of environment: FlowEnvironment) {
        if isStream {
            if let header {
                var bytes = context.channel.allocator.buffer(capacity: header.encodedSize)
                header.write(to: &bytes)
                context.write(NIOAny(bytes), promise: nil)
            }
            context.write(NIOAny(environment.fillerSlice(fillerCount)), promise: nil)
        } else {
            var datagram = context.channel.allocator.buffer(capacity: (header?.encodedSize ?? 0) + fillerCount)
            header?.write(to: &datagram)
            var body = environment.fillerSlice(fillerCount)
            datagram.writeBuffer(&body)
            context.write(NIOAny(datagram), promise: nil)
        }
    }

    func send(_ bytes: [UInt8]) {
        context.write(NIOAny(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
    }

    func flush() {
        context.flush()
    }

    func close() {
        context.close(promise: nil)
    }

    var localAddress: SocketAddress? { context.channel.localAddress }

    var totalRetransmits: UInt64 { TCPInfo.totalRetransmits(of: context.channel) }
}
