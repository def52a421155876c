import NIOCore
import NIOPosix

/// A TCP "echo" that returns every byte but flips one bit of the byte at `offset` in each
/// connection's stream: what a middlebox that rewrites payloads looks like to a generator.
struct ByteFlippingEchoServer: Sendable {
    let channel: any Channel

    var port: Int { channel.localAddress!.port! }

    static func start(flippingByteAt offset: Int) async throws -> ByteFlippingEchoServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Flipper(offset: offset))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ByteFlippingEchoServer(channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Flipper: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let offset: Int
        private var streamPosition = 0

        init(offset: Int) {
            self.offset = offset
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            let index = offset - streamPosition
            if index >= 0, index < bytes.readableBytes {
                let at = bytes.readerIndex + index
                bytes.setInteger(bytes.getInteger(at: at, as: UInt8.self)! ^ 0x01, at: at)
            }
            streamPosition += bytes.readableBytes
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        }
    }
}
