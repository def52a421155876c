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
        group: MultiThreadedEventLoopGroup, expectation: MarkExpectation? = nil
    ) async throws -> any Channel {
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 4096)
            .childChannelOption(.recvAllocator, value: TCPReceiveAllocator.adaptive)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let expectation {
                        try channel.pipeline.syncOperations.addHandler(TCPMarkCheckHandler(expectation: expectation, counters: counters))
                    }
                    try channel.pipeline.syncOperations.addHandler(TCPEchoHandler(counters: counters, table: table))
                }
            }
        if host.contains(":") { bootstrap = bootstrap.serverChannelOption(v6Only, value: ipv6Only ? 1 : 0) }
        if let expectation { bootstrap = markingOptions(bootstrap, ipv6: host.contains(":"), expectation: expectation) }
        return try await bootstrap.bind(host: host, port: port).get()
    }

    /// Accepted sockets inherit these from the listener: they keep what arrived for
    /// `TCPMarkCheckHandler`, and their replies carry the expected class (no per-connection step).
    private static func markingOptions(_ bootstrap: ServerBootstrap, ipv6: Bool, expectation: MarkExpectation) -> ServerBootstrap {
        typealias Option = ChannelOptions.Types.SocketOption
        var options: [(Option, Int)] = [(Option(level: SocketMarkOptions.ipLevel, name: SocketMarkOptions.ipRecvTOS), 1)]
        if ipv6 {
            options += [
                (Option(level: SocketMarkOptions.ipv6Level, name: SocketMarkOptions.ipv6RecvTrafficClass), 1),
                (Option(level: SocketMarkOptions.ipv6Level, name: SocketMarkOptions.ipv6FlowInfo), 1),
            ]
        }
        if let dscp = expectation.dscp {
            options.append((SocketMarkOptions.trafficClass(ipv6: false), Int(dscp.trafficClass)))
            if ipv6 { options.append((SocketMarkOptions.trafficClass(ipv6: true), Int(dscp.trafficClass))) }
        }
        return options.reduce(bootstrap) { $0.serverChannelOption($1.0, value: $1.1) }
    }

    /// A UDP socket on `host:port` that counts the fireflies it receives.
    static func fireflies(host: String, ipv6Only: Bool, port: Int, counter: FireflyCounter, group: MultiThreadedEventLoopGroup) async throws -> any Channel {
        var bootstrap = DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counter) }
            }
        if host.contains(":") { bootstrap = bootstrap.channelOption(v6Only, value: ipv6Only ? 1 : 0) }
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
