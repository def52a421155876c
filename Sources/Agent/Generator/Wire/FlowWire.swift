import NIOCore

/// Where a flow handler writes and what it asks of its socket: a data-plane `ClientSocket` (the
/// default) or a NIO channel (`FLOWTEST_GENERATOR_NIO`, for side-by-side benchmarks). The flow's
/// logic is one piece of code for both.
protocol FlowWire: AnyObject {
    /// Sends `header` (nil: none) followed by the first `fillerCount` bytes of `environment`'s
    /// filler: one message of a stream, or one datagram.
    func send(_ header: FlowHeader?, fillerCount: Int, of environment: FlowEnvironment)
    /// Sends `bytes` (a protocol's message), after anything sent before.
    func send(_ bytes: [UInt8])
    /// Makes sure what was sent leaves now (NIO batches writes until a flush; sockets write at once).
    func flush()
    /// Closes the socket; the flow hears nothing more from it.
    func close()
    /// The address the kernel bound the socket to.
    var localAddress: SocketAddress? { get }
    /// TCP segments retransmitted so far; 0 for UDP.
    var totalRetransmits: UInt64 { get }
}
