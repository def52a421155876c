import FlowTestShared
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Opens one echo listening socket and configures its pipeline.
///
/// An IPv6 address takes IPv4 too (v4-mapped) unless `ipv6Only`, whatever the host's
/// `bindv6only` default is.
enum EchoListenerFactory {
    private static let v6Only = ChannelOptions.socket(SocketOptionLevel(IPPROTO_IPV6), SocketOptionName(IPV6_V6ONLY))

    /// A TCP echo socket on `host:port`; `table` admits, tracks and sweeps its connections.
    static func tcp(
        host: String, ipv6Only: Bool, port: Int, counters: EchoListenerCounters, table: EchoConnectionTable,
        group: MultiThreadedEventLoopGroup
    ) async throws -> any Channel {
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 4096)
            .childChannelOption(.recvAllocator, value: TCPReceiveAllocator.adaptive)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TCPEchoHandler(counters: counters, table: table))
                }
            }
        if host.contains(":") { bootstrap = bootstrap.serverChannelOption(v6Only, value: ipv6Only ? 1 : 0) }
        return try await bootstrap.bind(host: host, port: port).get()
    }

    /// A UDP echo socket on `host:port`.
    static func udp(
        host: String, ipv6Only: Bool, port: Int, counters: EchoListenerCounters, group: MultiThreadedEventLoopGroup,
        flowLog: FlowRecorder? = nil
    ) async throws -> any Channel {
        var bootstrap = DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            // The largest datagram, so nothing is ever truncated; NIO's default is 2048 bytes.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
            // Bursts from many flows at once must not overflow the kernel queue before we read.
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UDPEchoHandler(counters: counters, flowLog: flowLog))
                }
            }
        if host.contains(":") { bootstrap = bootstrap.channelOption(v6Only, value: ipv6Only ? 1 : 0) }
        // The flow log names the address each datagram came to, on a wildcard socket too.
        if flowLog != nil { bootstrap = bootstrap.channelOption(.receivePacketInfo, value: true) }
        return try await bootstrap.bind(host: host, port: port).get()
    }
}
