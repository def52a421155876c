import NIOCore
import NIOPosix
import Synchronization

/// An InfluxDB that fails the way real ones do when things go wrong, on loopback, for the
/// export's shutdown bound: it answers 401 once and then goes away, or is gone from the start
/// (connection refused), or accepts and never answers.
final class MisbehavingInfluxDB: Sendable {
    enum Behaviour: String, Sendable, CaseIterable {
        /// Answers the first write 401 and stops listening: what follows is connection refused.
        case answers401ThenGoes
        /// Nothing listens on the port.
        case gone
        /// Accepts connections, reads the requests, never answers.
        case silent
    }

    let behaviour: Behaviour
    let port: Int
    private let channel: (any Channel)?
    /// Connections accepted so far (the writes the agent has under way or has made).
    private let accepted = Atomic<Int>(0)
    /// Requests answered 401.
    private let refused = Atomic<Int>(0)

    var url: String { "http://127.0.0.1:\(port)" }
    var connectionsAccepted: Int { accepted.load(ordering: .relaxed) }
    var writesRefused: Int { refused.load(ordering: .relaxed) }

    private init(behaviour: Behaviour, port: Int, channel: (any Channel)?) {
        self.behaviour = behaviour
        self.port = port
        self.channel = channel
    }

    static func start(_ behaviour: Behaviour) async throws -> MisbehavingInfluxDB {
        if behaviour == .gone { return MisbehavingInfluxDB(behaviour: behaviour, port: try await FreePort.tcp(), channel: nil) }
        let box = Mutex<MisbehavingInfluxDB?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                guard let server = box.withLock({ $0 }) else { return channel.close() }
                server.accepted.add(1, ordering: .relaxed)
                return channel.pipeline.addHandler(Handler(server: server))
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = MisbehavingInfluxDB(behaviour: behaviour, port: channel.localAddress!.port!, channel: channel)
        box.withLock { $0 = server }
        return server
    }

    func stop() async {
        try? await channel?.close()
    }

    /// Answers (or not) each request; a request's end is not parsed: the first bytes are enough.
    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let server: MisbehavingInfluxDB

        init(server: MisbehavingInfluxDB) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard server.behaviour == .answers401ThenGoes else { return }
            guard server.refused.wrappingAdd(1, ordering: .relaxed).oldValue == 0 else { return context.close(promise: nil) }
            let body = #"{"error":"authorization failed"}"#
            let answer = "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: answer)), promise: nil)
            context.close(promise: nil)
            // Then it goes away: every later write is refused.
            _ = server.channel?.close()
        }
    }
}
