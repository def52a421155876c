import NIOCore
import Synchronization

/// Counts the fireflies an echo server receives on its firefly port (`--firefly-port`): UDP
/// datagrams that start with a firefly's syslog header. They are counted, never answered.
final class FireflyCounter: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    /// Fireflies received so far.
    let received = Atomic<UInt64>(0)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if FireflyMessage.looksLikeFirefly(unwrapInboundIn(data).data) { received.wrappingAdd(1, ordering: .relaxed) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // One bad datagram must never close the port.
    }
}
