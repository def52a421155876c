import NIOCore
import NIOPosix
import Synchronization

/// A TCP echo whose listener can be closed and reopened on the same port while the connections
/// it already accepted stay open and keep echoing: a backend that is draining (refusing new
/// connections, serving established ones), then back. NIO never closes a server channel's
/// children with it, and SO_REUSEADDR lets the port be bound again beside them.
final class ClosableListenerEcho: Sendable {
    let port: Int
    private let listener: Mutex<(any Channel)?>

    private init(port: Int, listener: any Channel) {
        self.port = port
        self.listener = Mutex(listener)
    }

    static func start() async throws -> ClosableListenerEcho {
        let first = AcceptedChannels()
        let channel = try await bootstrap(first).bind(host: "127.0.0.1", port: 0).get()
        let echo = ClosableListenerEcho(port: channel.localAddress!.port!, listener: channel)
        echo.previous.withLock { $0.append(first) }
        return echo
    }

    /// The accepted connections of every listener so far, to close at the end.
    private let previous = Mutex<[AcceptedChannels]>([])

    /// Stops listening: new connections are refused; accepted ones carry on.
    func closeListener() async throws {
        let channel = listener.withLock { current in
            defer { current = nil }
            return current
        }
        try await channel?.close()
    }

    /// Listens on the same port again.
    func reopenListener() async throws {
        let channels = AcceptedChannels()
        previous.withLock { $0.append(channels) }
        let channel = try await Self.bootstrap(channels).bind(host: "127.0.0.1", port: port).get()
        listener.withLock { $0 = channel }
    }

    /// How many connections the listeners have accepted.
    var acceptedCount: Int { previous.withLock { $0.reduce(0) { $0 + $1.count } } }

    /// Closes the listener and every accepted connection.
    func stop() async {
        try? await closeListener()
        for channels in previous.withLock({ $0 }) { await channels.closeAll() }
    }

    private static func bootstrap(_ channels: AcceptedChannels) -> ServerBootstrap {
        ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channels.add(channel)
                return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Echo()) }
            }
    }

    /// The connections one listener accepted.
    private final class AcceptedChannels: Sendable {
        private let channels = Mutex<[any Channel]>([])

        var count: Int { channels.withLock { $0.count } }

        func add(_ channel: any Channel) { channels.withLock { $0.append(channel) } }

        func closeAll() async {
            for channel in channels.withLock({ $0 }) { try? await channel.close() }
        }
    }

    private final class Echo: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.writeAndFlush(data, promise: nil)
        }
    }
}
