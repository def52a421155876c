import FlowTestProtocols

/// One accepted connection's state, kept by value in its loop's table (indexed by descriptor): no
/// object, closure or future per connection. The optional parts exist only while needed.
struct TCPEchoConnection {
    /// The listener (and so the counters) it came through.
    var listener: Int
    /// Its place in the loop's list of live connections (for the idle sweep and shutdown).
    var liveIndex: Int
    /// When bytes last arrived: the loop's clock at that batch (idle timeout).
    var lastActivity: UInt64
    /// Whether the first bytes have shown what kind of stream this is.
    var streamKnown = false
    /// Whether the listener's inspector has seen the connection (at its first bytes).
    var arrivalInspected = false
    /// Set for a stream of sized requests (a custom pattern's); nil keeps the pure echo.
    var sized: SizedRequestReader?
    /// Set for a stream in a built-in pattern's protocol, answered as its server would.
    var responder: ProtocolResponder?
    /// The responder has said its last (an error reply, a goodbye): the connection closes once
    /// its output is written, and reads no more.
    var closeWhenDrained = false
    /// Reading stopped because the peer is not reading its echoes; resumed once `output` drains.
    var readBlocked = false
    /// The peer has shut its side (EPOLLRDHUP, a hang-up or an error was reported): its end of
    /// stream may already be queued behind the data, and no further edge would announce it, so
    /// reads go on until they return it.
    var peerClosing = false
    /// Bytes still to send; nil while the kernel takes everything at once.
    var output: EchoOutputQueue?
    /// The flow log's figures; nil without an observer.
    var summary: EchoConnectionSummary?
}
