import FlowTestShared
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Opens a flow's socket with the run's socket options: one place for what every TCP and UDP
/// flow socket gets, used for first connects and for the continuous pattern's reconnects.
struct ChannelOpener: Sendable {
    let mss: Int?
    let allowFragmentation: Bool
    /// Big enough for the largest echo, so a datagram is never truncated.
    let receiveBufferSize: Int

    init(configuration: GeneratorConfiguration) {
        mss = configuration.mss
        allowFragmentation = configuration.allowFragmentation
        receiveBufferSize = max(2048, configuration.payload.maximum)
    }

    /// Connects a socket of `transport` to `address` on `loop`, with `makeHandler`'s handler as its pipeline.
    func open(
        _ transport: Transport, on loop: any EventLoop, to address: SocketAddress, connectTimeout: TimeAmount,
        makeHandler: @escaping @Sendable () -> any ChannelHandler
    ) -> EventLoopFuture<any Channel> {
        let initializer: @Sendable (any Channel) -> EventLoopFuture<Void> = { channel in
            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(makeHandler()) }
        }
        switch transport {
        case .tcp:
            var bootstrap = ClientBootstrap(group: loop)
                .connectTimeout(connectTimeout)
                .channelOption(.recvAllocator, value: TCPReceiveAllocator.adaptive)
                .channelInitializer(initializer)
            if let mss {
                // Set before connect, so the SYN already advertises it.
                bootstrap = bootstrap.channelOption(.socket(SocketOptionLevel(IPPROTO_TCP), SocketOptionName(TCP_MAXSEG)), value: SocketOptionValue(mss))
            }
            return bootstrap.connect(to: address)
        case .udp:
            var bootstrap = DatagramBootstrap(group: loop)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: receiveBufferSize))
                .channelInitializer(initializer)
            if !allowFragmentation {
                // Don't-fragment: a datagram larger than the path MTU fails with EMSGSIZE instead of
                // being split, so MTU problems show up as failures rather than hidden fragmentation.
                bootstrap =
                    if address.protocol == .inet6 {
                        bootstrap.channelOption(.socket(SocketOptionLevel(IPPROTO_IPV6), 23 /* IPV6_MTU_DISCOVER */), value: 2 /* IPV6_PMTUDISC_DO */)
                    } else {
                        bootstrap.channelOption(.socket(SocketOptionLevel(IPPROTO_IP), SocketOptionName(IP_MTU_DISCOVER)), value: SocketOptionValue(IP_PMTUDISC_DO))
                    }
            }
            return bootstrap.connect(to: address)
        }
    }
}
