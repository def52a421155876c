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

    /// A TCP client bootstrap on `loop` with the run's options; the caller adds its handler.
    func tcp(on loop: any EventLoop, connectTimeout: TimeAmount) -> ClientBootstrap {
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.recvAllocator, value: TCPReceiveAllocator.adaptive)
        // Set before connect, so the SYN already advertises it.
        guard let mss else { return bootstrap }
        return bootstrap.channelOption(.socket(SocketOptionLevel(IPPROTO_TCP), SocketOptionName(TCP_MAXSEG)), value: SocketOptionValue(mss))
    }

    /// A UDP bootstrap on `loop` for a socket towards `address`; the caller adds its handler.
    func udp(on loop: any EventLoop, to address: SocketAddress) -> DatagramBootstrap {
        let bootstrap = DatagramBootstrap(group: loop)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: receiveBufferSize))
        guard !allowFragmentation else { return bootstrap }
        // Don't-fragment: a datagram larger than the path MTU fails with EMSGSIZE instead of
        // being split, so MTU problems show up as failures rather than hidden fragmentation.
        return address.protocol == .inet6
            ? bootstrap.channelOption(.socket(SocketOptionLevel(IPPROTO_IPV6), 23 /* IPV6_MTU_DISCOVER */), value: 2 /* IPV6_PMTUDISC_DO */)
            : bootstrap.channelOption(.socket(SocketOptionLevel(IPPROTO_IP), SocketOptionName(IP_MTU_DISCOVER)), value: SocketOptionValue(IP_PMTUDISC_DO))
    }
}
