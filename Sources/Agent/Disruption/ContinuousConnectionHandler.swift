import FlowTestShared
import NIOCore

/// The pipeline end of one socket of a continuous flow on NIO's loops: hands every event to the
/// flow, which outlives the socket and decides what a break means.
final class ContinuousConnectionHandler<Inbound: InboundBytes>: ChannelInboundHandler {
    typealias InboundIn = Inbound

    private let owner: any ContinuousConnectionOwner
    private let generation: Int
    private let isStream: Bool

    init(owner: any ContinuousConnectionOwner, generation: Int, isStream: Bool) {
        (self.owner, self.generation, self.isStream) = (owner, generation, isStream)
    }

    func channelActive(context: ChannelHandlerContext) {
        owner.connectionActive(ChannelFlowWire(context, isStream: isStream), generation: generation)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        unwrapInboundIn(data).withBytes { owner.connectionRead($0, generation: generation) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        owner.connectionError(FlowFailureReason(classifying: error), generation: generation)
    }

    func channelInactive(context: ChannelHandlerContext) {
        owner.connectionClosed(generation: generation)
        context.fireChannelInactive()
    }
}
