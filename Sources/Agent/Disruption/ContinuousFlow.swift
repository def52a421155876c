import NIOCore

/// A flow of the continuous pattern: one logical flow over as many sockets as it needs.
/// It lives on one event loop from `start()` on; only that loop touches its state.
protocol ContinuousFlow: FlowOnLoop, Sendable {
    /// Enters the loop's open flows and opens the first socket; runs on the flow's loop.
    func start()
}

/// What a continuous flow's sockets tell it; each event carries the socket's generation, so
/// that the last words of a replaced socket are ignored.
protocol ContinuousConnectionOwner: AnyObject {
    associatedtype Inbound
    func connectionActive(_ context: ChannelHandlerContext, generation: Int)
    func connectionRead(_ data: Inbound, generation: Int)
    func connectionError(_ error: any Error, generation: Int)
    func connectionClosed(generation: Int)
}
