import NIOCore

/// The pipeline end of one socket of a continuous flow: hands every event to the flow, which
/// outlives the socket and decides what a break means.
final class ContinuousConnectionHandler<Owner: ContinuousConnectionOwner>: ChannelInboundHandler {
    typealias InboundIn = Owner.Inbound

    private let owner: Owner
    private let generation: Int

    init(owner: Owner, generation: Int) {
        self.owner = owner
        self.generation = generation
    }

    func channelActive(context: ChannelHandlerContext) {
        owner.connectionActive(context, generation: generation)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        owner.connectionRead(unwrapInboundIn(data), generation: generation)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        owner.connectionError(error, generation: generation)
    }

    func channelInactive(context: ChannelHandlerContext) {
        owner.connectionClosed(generation: generation)
        context.fireChannelInactive()
    }
}
