import NIOCore

/// Sends every UDP datagram back to its sender unchanged.
final class UDPEchoHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let counters: EchoListenerCounters
    /// The flow log's view of this listener's sources; nil without a flow log.
    private let flows: EchoUDPFlowTable?

    init(counters: EchoListenerCounters, flowLog: FlowRecorder? = nil) {
        self.counters = counters
        self.flows = flowLog.map(EchoUDPFlowTable.init)
    }

    func channelActive(context: ChannelHandlerContext) {
        flows?.start(on: context.eventLoop)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        flows?.endAll()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let bytes = UInt64(envelope.data.readableBytes)
        counters.datagramsReceived.wrappingAdd(1, ordering: .relaxed)
        counters.bytesReceived.wrappingAdd(bytes, ordering: .relaxed)
        let written = context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: envelope.data)))
        written.assumeIsolated().whenSuccess { [counters] in
            counters.datagramsSent.wrappingAdd(1, ordering: .relaxed)
            counters.bytesSent.wrappingAdd(bytes, ordering: .relaxed)
        }
        if let flows {
            flows.received(envelope, listener: context.channel.localAddress)
            written.assumeIsolated().whenSuccess { flows.echoed(to: envelope.remoteAddress, bytes: Int(bytes)) }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors about one peer must never close the listener that serves all the others.
    }
}
