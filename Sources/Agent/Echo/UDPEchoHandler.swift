import FlowTestProtocols
import NIOCore

/// Sends every UDP datagram back to its sender unchanged; a traffic pattern's gets the response
/// it asks for (FlowTest's sized header, or a DNS query's answer through `ProtocolResponder`).
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
        counters.datagramsReceived.wrappingAdd(1, ordering: .relaxed)
        counters.bytesReceived.wrappingAdd(UInt64(envelope.data.readableBytes), ordering: .relaxed)
        // One load per datagram tells a traffic pattern's sized request from anything else.
        var reply = envelope.data
        var answer: [UInt8] = []
        let protocolOutcome = reply.withUnsafeReadableBytes { ProtocolResponder.answerDatagram($0, into: &answer) }
        if let outcome = protocolOutcome {
            // A built-in pattern's protocol (DNS): its answer, or its error (FORMERR).
            counters.sizedResponses.wrappingAdd(UInt64(outcome.answered), ordering: .relaxed)
            if outcome.malformed != nil { counters.malformedRequests.wrappingAdd(1, ordering: .relaxed) }
            guard !answer.isEmpty else { return }
            reply = context.channel.allocator.buffer(bytes: answer)
        } else if SizedRequestFraming.startsSizedStream(reply) {
            guard let sized = sizedReply(to: reply, allocator: context.channel.allocator) else {
                counters.malformedRequests.wrappingAdd(1, ordering: .relaxed)
                return
            }
            counters.sizedResponses.wrappingAdd(1, ordering: .relaxed)
            reply = sized
        }
        let bytes = UInt64(reply.readableBytes)
        let written = context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: reply)))
        written.assumeIsolated().whenSuccess { [counters] in
            counters.datagramsSent.wrappingAdd(1, ordering: .relaxed)
            counters.bytesSent.wrappingAdd(bytes, ordering: .relaxed)
        }
        if let flows {
            flows.received(envelope, listener: context.channel.localAddress, flowID: protocolOutcome?.flowID)
            written.assumeIsolated().whenSuccess { flows.echoed(to: envelope.remoteAddress, bytes: Int(bytes)) }
        }
    }

    /// The response a sized request asks for: its header, then filler to the size asked; nil when
    /// the header is cut short or asks for more than one datagram holds.
    private func sizedReply(to request: ByteBuffer, allocator: ByteBufferAllocator) -> ByteBuffer? {
        guard let header = FlowHeader(peekingAt: request), let sizes = header.sizes,
            Int(sizes.response) >= FlowHeader.sizedSize, sizes.response <= 65_507
        else { return nil }
        var reply = allocator.buffer(capacity: Int(sizes.response))
        reply.writeImmutableBuffer(request.getSlice(at: request.readerIndex, length: FlowHeader.sizedSize)!)
        SizedRequestFraming.writeResponse(header: ByteBuffer(), size: Int(sizes.response) - FlowHeader.sizedSize) { reply.writeImmutableBuffer($0) }
        return reply
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors about one peer must never close the listener that serves all the others.
    }
}
