import NIOCore

/// Judges the marks a TCP connection arrived with, once, at its first bytes, then leaves the
/// pipeline: a connection costs one getsockopt(2) and its reads nothing at all.
///
/// Linux keeps what the last packet of a connection carried when the listener asked for it
/// (`IP_RECVTOS`; `IPV6_RECVTCLASS` and `IPV6_FLOWINFO`, inherited by accepted sockets) and returns
/// it with `IP_PKTOPTIONS` / `IPV6_2292PKTOPTIONS`. Only listeners that expect marks get this handler.
final class TCPMarkCheckHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let expectation: MarkExpectation
    private let counters: EchoListenerCounters

    /// Room for the control messages of one packet: a traffic class and a flow label.
    private struct Options: Sendable {
        var bytes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    }

    init(expectation: MarkExpectation, counters: EchoListenerCounters) {
        self.expectation = expectation
        self.counters = counters
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        judge(context.channel)
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func judge(_ channel: any Channel) {
        guard let provider = channel as? any SocketOptionProvider, let local = channel.localAddress else { return }
        let ipv6 = local.protocol == .inet6
        var options: Options?
        let read: EventLoopFuture<Options> =
            ipv6
            ? provider.unsafeGetSocketOption(level: SocketMarkOptions.ipv6Level, name: SocketMarkOptions.ipv6PacketOptions)
            : provider.unsafeGetSocketOption(level: SocketMarkOptions.ipLevel, name: SocketMarkOptions.ipPacketOptions)
        // On the event loop the option is read synchronously.
        read.assumeIsolated().whenSuccess { options = $0 }
        guard var options else { return }
        let marks = withUnsafeBytes(of: &options.bytes) { ControlMessages($0) }
        // A v4-mapped peer on a dual-stack socket has no flow label to judge.
        let label = ipv6 && !(channel.remoteAddress?.ipAddress?.hasPrefix("::ffff:") ?? false) ? (marks.flowLabel ?? 0) : nil
        if let outcome = expectation.judge(trafficClass: marks.trafficClass, flowLabel: label) { counters.count(outcome) }
    }
}
