import FlowTestDataPlane
import FlowTestShared

/// One data-plane socket of a continuous flow: hands its events to the flow with the socket's
/// generation, as `ContinuousConnectionHandler` does for a NIO pipeline.
final class ContinuousSocketDelegate: ClientSocketDelegate {
    private let owner: any ContinuousConnectionOwner
    private let generation: Int
    /// Set right after the connect starts; the socket drops this delegate when it closes, which
    /// ends the cycle.
    var socket: ClientSocket?
    private var connected = false

    init(owner: any ContinuousConnectionOwner, generation: Int) {
        (self.owner, self.generation) = (owner, generation)
    }

    func socketConnected() {
        guard let socket else { return }
        connected = true
        owner.connectionActive(socket, generation: generation)
    }

    func socketReceived(_ bytes: UnsafeRawBufferPointer) {
        owner.connectionRead(bytes, generation: generation)
    }

    func socketFailed(errno: Int32) {
        guard connected else { return owner.connectFailed(FlowFailureReason(connectErrno: errno), generation: generation) }
        owner.connectionError(FlowFailureReason(errno: errno), generation: generation)
        // A stream's failure closed it; the flow hears of the close as NIO's channelInactive told it.
        owner.connectionClosed(generation: generation)
    }

    func socketReported(errno: Int32) {
        owner.connectionError(FlowFailureReason(errno: errno), generation: generation)
    }

    func socketPeerClosed() {
        owner.connectionClosed(generation: generation)
    }
}
