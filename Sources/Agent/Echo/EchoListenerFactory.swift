import FlowTestShared
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Opens one echo listener and configures its pipeline.
enum EchoListenerFactory {
    /// On `::`, accept IPv4 too (v4-mapped), whatever the host's `bindv6only` default is.
    private static let dualStack = ChannelOptions.socket(SocketOptionLevel(IPPROTO_IPV6), SocketOptionName(IPV6_V6ONLY))

    /// A TCP echo listener on `host:port`; `table` admits, tracks and sweeps its connections.
    static func tcp(
        host: String, port: Int, table: EchoConnectionTable, group: MultiThreadedEventLoopGroup
    ) async throws -> (channel: any Channel, counters: EchoListenerCounters) {
        let counters = EchoListenerCounters(transport: .tcp)
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 4096)
            .childChannelOption(.recvAllocator, value: TCPReceiveAllocator.adaptive)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TCPEchoHandler(counters: counters, table: table))
                }
            }
        if host.contains(":") { bootstrap = bootstrap.serverChannelOption(dualStack, value: 0) }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        counters.bound(to: channel.localAddress?.port ?? port)
        return (channel, counters)
    }

    /// A UDP echo listener on `host:port`.
    static func udp(
        host: String, port: Int, group: MultiThreadedEventLoopGroup
    ) async throws -> (channel: any Channel, counters: EchoListenerCounters) {
        let counters = EchoListenerCounters(transport: .udp)
        var bootstrap = DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            // The largest datagram, so nothing is ever truncated; NIO's default is 2048 bytes.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
            // Bursts from many flows at once must not overflow the kernel queue before we read.
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UDPEchoHandler(counters: counters))
                }
            }
        if host.contains(":") { bootstrap = bootstrap.channelOption(dualStack, value: 0) }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        counters.bound(to: channel.localAddress?.port ?? port)
        return (channel, counters)
    }
}
