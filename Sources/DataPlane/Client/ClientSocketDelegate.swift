/// What a `ClientSocket` tells its flow, on the socket's loop. After any call the flow may close
/// the socket; the socket then makes no further call.
public protocol ClientSocketDelegate: AnyObject {
    /// The connect completed (TCP's handshake; for UDP, the first time the socket is writable).
    func socketConnected()
    /// Bytes arrived: a part of the stream, or one whole datagram. Valid only during the call.
    func socketReceived(_ bytes: UnsafeRawBufferPointer)
    /// The connect or a read or write failed with `errno`; the socket is closed.
    func socketFailed(errno: Int32)
    /// A datagram socket's error (an ICMP port or host unreachable, EMSGSIZE for a datagram over
    /// the path MTU): the socket stays open, and the flow decides what it means.
    func socketReported(errno: Int32)
    /// The peer ended its side of the stream; the socket is closed.
    func socketPeerClosed()
}
