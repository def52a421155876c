import NIOCore

/// Sits on a TCP listener and admits or refuses each accepted connection.
///
/// Past the cap a connection is closed as soon as it is accepted and counted as refused: the
/// client learns at once instead of waiting in the backlog, and the server never runs out of
/// descriptors for its metrics endpoint.
final class ConnectionAdmissionHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    private let registry: EchoConnectionRegistry
    private let counters: EchoListenerCounters

    init(registry: EchoConnectionRegistry, counters: EchoListenerCounters) {
        self.registry = registry
        self.counters = counters
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        guard registry.admit(child) else {
            counters.connectionsRefused.wrappingAdd(1, ordering: .relaxed)
            child.close(promise: nil)
            return
        }
        counters.connectionsAccepted.wrappingAdd(1, ordering: .relaxed)
        counters.connectionsActive.wrappingAdd(1, ordering: .relaxed)
        child.closeFuture.whenComplete { [counters] _ in counters.connectionsActive.wrappingSubtract(1, ordering: .relaxed) }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // EMFILE and friends while accepting: NIO backs off and retries; the listener stays open.
    }
}
