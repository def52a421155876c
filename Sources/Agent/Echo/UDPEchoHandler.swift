import NIOCore

/// Sends every UDP datagram back to its sender unchanged.
final class UDPEchoHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let counters: EchoListenerCounters

    init(counters: EchoListenerCounters) {
        self.counters = counters
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let bytes = UInt64(envelope.data.readableBytes)
        counters.datagramsReceived.wrappingAdd(1, ordering: .relaxed)
        counters.bytesReceived.wrappingAdd(bytes, ordering: .relaxed)
        context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: envelope.data)))
            .assumeIsolated().whenSuccess { [counters] in
                counters.datagramsSent.wrappingAdd(1, ordering: .relaxed)
                counters.bytesSent.wrappingAdd(bytes, ordering: .relaxed)
            }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors about one peer must never close the listener that serves all the others.
    }
}
