/// Looks at what arrived with each datagram and each new connection of one listening address,
/// beyond its bytes: the marks the packets carried (DSCP, IPv6 flow label), for a listener that
/// judges them. Called on the loops' threads; a listener without one pays nothing.
public protocol EchoArrivalInspector: Sendable {
    /// One datagram arrived with `control` (its ancillary data, from the socket options the
    /// group was bound with) from a source of address family `family`.
    func datagram(control: UnsafeRawBufferPointer, family: Int32)
    /// A connection's first bytes were read; `descriptor` is its socket, to read what its packets
    /// carried (IP_PKTOPTIONS keeps the last packet's).
    func connection(descriptor: Int32)
}

/// A socket option set on every socket of a group before it binds (accepted sockets inherit a
/// listener's).
public struct SocketOptionValue: Sendable {
    public let level: Int32
    public let name: Int32
    public let value: Int32

    public init(level: Int32, name: Int32, value: Int32) {
        (self.level, self.name, self.value) = (level, name, value)
    }
}
