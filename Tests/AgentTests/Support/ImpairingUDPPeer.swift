import NIOCore
import NIOPosix
@testable import FlowTestAgent

/// A UDP echo that impairs traffic on purpose, by the sequence number in each datagram's header:
/// drops `seq % 10 == 9`, sends `seq % 7 == 3` twice, and holds `seq % 5 == 1` back until the
/// next datagram has been echoed (so it arrives after a later one).
struct ImpairingUDPPeer: Sendable {
    let channel: any Channel

    var port: Int { channel.localAddress!.port! }

    static func start() async throws -> ImpairingUDPPeer {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Impairer()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ImpairingUDPPeer(channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }

    static func isDropped(_ sequence: UInt32) -> Bool { sequence % 10 == 9 }
    static func isDuplicated(_ sequence: UInt32) -> Bool { sequence % 7 == 3 }
    static func isHeld(_ sequence: UInt32) -> Bool { sequence % 5 == 1 }

    private final class Impairer: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        private var held: AddressedEnvelope<ByteBuffer>?

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            guard let header = FlowHeader(peekingAt: envelope.data) else { return }
            let sequence = header.sequence
            if ImpairingUDPPeer.isDropped(sequence) { return }
            if ImpairingUDPPeer.isHeld(sequence) {
                held = envelope
                return
            }
            echo(envelope, sequence: sequence, context: context)
            if let late = held, let lateHeader = FlowHeader(peekingAt: late.data) {
                held = nil
                echo(late, sequence: lateHeader.sequence, context: context)
            }
            context.flush()
        }

        private func echo(_ envelope: AddressedEnvelope<ByteBuffer>, sequence: UInt32, context: ChannelHandlerContext) {
            context.write(wrapOutboundOut(envelope), promise: nil)
            if ImpairingUDPPeer.isDuplicated(sequence) { context.write(wrapOutboundOut(envelope), promise: nil) }
        }
    }
}
