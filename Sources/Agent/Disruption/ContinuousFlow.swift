import FlowTestShared
import NIOCore

/// A flow of the continuous pattern: one logical flow over as many sockets as it needs.
/// It lives on one event loop from `start()` on; only that loop touches its state.
protocol ContinuousFlow: FlowOnLoop, Sendable {
    /// Enters the loop's open flows and opens the first socket; runs on the flow's loop.
    func start()
}

/// What a continuous flow's sockets tell it, from a NIO pipeline (`ContinuousConnectionHandler`)
/// or the data plane (`ContinuousSocketDelegate`); each event carries the socket's generation,
/// so that the last words of a replaced socket are ignored.
protocol ContinuousConnectionOwner: AnyObject {
    func connectionActive(_ wire: any FlowWire, generation: Int)
    func connectionRead(_ bytes: UnsafeRawBufferPointer, generation: Int)
    /// The socket failed (TCP: it is gone; UDP: an ICMP error, the socket stays).
    func connectionError(_ reason: FlowFailureReason, generation: Int)
    func connectionClosed(generation: Int)
    /// The data plane's connect failed before the socket was connected.
    func connectFailed(_ reason: FlowFailureReason, generation: Int)
}
