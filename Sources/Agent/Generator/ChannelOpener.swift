import FlowTestDataPlane
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
///
/// Marks are per socket, set once before the connect: the kernel then writes them into every
/// packet, so marking costs nothing per packet.
struct ChannelOpener: Sendable {
    let mss: Int?
    let allowFragmentation: Bool
    /// Big enough for the largest echo, so a datagram is never truncated.
    let receiveBufferSize: Int
    /// The TOS / traffic class byte of every flow socket; nil leaves the kernel's (0).
    let trafficClass: Int32?
    let labeller: FlowLabeller?

    init(configuration: GeneratorConfiguration, labeller: FlowLabeller? = nil) {
        mss = configuration.mss
        allowFragmentation = configuration.allowFragmentation
        // A traffic mix's responses may be larger than any request.
        let largestResponse = configuration.trafficKinds.map { max($0.request.maximum, $0.response?.maximum ?? 0) }.max() ?? 0
        receiveBufferSize = max(2048, configuration.payload.maximum, largestResponse)
        trafficClass = configuration.marking.dscp?.trafficClass
        self.labeller = labeller
    }

    /// A TCP client bootstrap on `loop` towards `address` with the run's options; the caller adds its handler.
    func tcp(on loop: any EventLoop, to address: SocketAddress, connectTimeout: TimeAmount) -> ClientBootstrap {
        var bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.recvAllocator, value: TCPReceiveAllocator.adaptive)
        // Set before connect, so the SYN already carries the class and advertises the MSS.
        if let trafficClass {
            bootstrap = bootstrap.channelOption(SocketMarkOptions.trafficClass(ipv6: address.protocol == .inet6), value: Int(trafficClass))
        }
        guard let mss else { return bootstrap }
        return bootstrap.channelOption(.socket(SocketOptionLevel(IPPROTO_TCP), SocketOptionName(TCP_MAXSEG)), value: SocketOptionValue(mss))
    }

    /// A UDP bootstrap on `loop` for a socket towards `address`; the caller adds its handler.
    func udp(on loop: any EventLoop, to address: SocketAddress) -> DatagramBootstrap {
        var bootstrap = DatagramBootstrap(group: loop)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: receiveBufferSize))
        if let trafficClass {
            bootstrap = bootstrap.channelOption(SocketMarkOptions.trafficClass(ipv6: address.protocol == .inet6), value: Int(trafficClass))
        }
        guard !allowFragmentation else { return bootstrap }
        // Don't-fragment: a datagram larger than the path MTU fails with EMSGSIZE instead of
        // being split, so MTU problems show up as failures rather than hidden fragmentation.
        return address.protocol == .inet6
            ? bootstrap.channelOption(.socket(SocketOptionLevel(IPPROTO_IPV6), 23 /* IPV6_MTU_DISCOVER */), value: 2 /* IPV6_PMTUDISC_DO */)
            : bootstrap.channelOption(.socket(SocketOptionLevel(IPPROTO_IP), SocketOptionName(IP_MTU_DISCOVER)), value: SocketOptionValue(IP_PMTUDISC_DO))
    }

    /// Where flow `flowID` connects to reach `address`, and the flow label to lease for it first
    /// (in the channel initializer, with `lease`): nil without a SciTag or over IPv4.
    func labelled(_ address: SocketAddress, flow flowID: UInt64) -> (address: SocketAddress, label: UInt32?) {
        guard let labeller, let label = labeller.label(for: flowID, to: address) else { return (address, nil) }
        return (FlowLabeller.address(address, withLabel: label), label)
    }

    /// The same options for a data-plane socket (`ClientSocket`).
    var socketOptions: ClientSocketOptions {
        ClientSocketOptions(mss: mss, trafficClass: trafficClass, allowFragmentation: allowFragmentation)
    }

    /// Leases `label` for a data-plane socket towards `destination`, before its connect; a
    /// refusal is counted and logged, and the flow runs unlabelled.
    func lease(_ label: UInt32?, to destination: SocketAddress, descriptor: Int32) {
        guard let label, let labeller else { return }
        labeller.lease(label, to: destination, descriptor: descriptor)
    }

    /// Leases `label` for `channel`'s socket towards `destination`; call in the channel
    /// initializer, before the connect. A refusal is counted and logged, and the flow runs unlabelled.
    func lease(_ label: UInt32?, to destination: SocketAddress, on channel: any Channel) {
        guard let label, let labeller else { return }
        labeller.lease(label, to: destination, on: channel)
    }
}
