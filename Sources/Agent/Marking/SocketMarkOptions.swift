import NIOCore

/// Linux socket options for marking and reading marks, by number: Glibc does not export every
/// one of them to Swift, and their values are ABI (linux/in.h, linux/in6.h).
enum SocketMarkOptions {
    static let ipTOS: SocketOptionName = 1
    static let ipRecvTOS: SocketOptionName = 13
    static let ipPacketOptions: SocketOptionName = 9
    static let ipv6TrafficClass: SocketOptionName = 67
    static let ipv6RecvTrafficClass: SocketOptionName = 66
    /// As a socket option it asks for the flow information of received packets; as a control
    /// message type it carries it.
    static let ipv6FlowInfo: SocketOptionName = 11
    static let ipv6FlowLabelManager: SocketOptionName = 32
    static let ipv6FlowInfoSend: SocketOptionName = 33
    /// `IPV6_2292PKTOPTIONS`: on a TCP socket, the options of the last packet received.
    static let ipv6PacketOptions: SocketOptionName = 6

    static let ipLevel = SocketOptionLevel(0)
    static let ipv6Level = SocketOptionLevel(41)

    /// The option that sets the TOS / traffic class of sockets of `family`.
    static func trafficClass(ipv6: Bool) -> ChannelOptions.Types.SocketOption {
        ipv6 ? .init(level: ipv6Level, name: ipv6TrafficClass) : .init(level: ipLevel, name: ipTOS)
    }
}
