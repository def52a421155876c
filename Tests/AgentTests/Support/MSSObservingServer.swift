import FlowTestShared
import NIOCore
import NIOPosix
import Synchronization
@testable import FlowTestAgent

#if canImport(Glibc)
import Glibc
#endif

/// A TCP echo that records the TCP_MAXSEG of each accepted connection.
struct MSSObservingServer: Sendable {
    let channel: any Channel
    private let observed: Observed

    final class Observed: Sendable {
        let sizes = Mutex<[Int]>([])
    }

    var port: Int { channel.localAddress!.port! }

    static func start() async throws -> MSSObservingServer {
        let observed = Observed()
        let counters = EchoListenerCounters(transport: .tcp)
        let table = EchoConnectionTable(group: MultiThreadedEventLoopGroup.singleton, limit: 100, idleTimeout: nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let option = ChannelOptions.socket(SocketOptionLevel(IPPROTO_TCP), SocketOptionName(TCP_MAXSEG))
                    let size = try channel.syncOptions!.getOption(option)
                    observed.sizes.withLock { $0.append(Int(size)) }
                    try channel.pipeline.syncOperations.addHandler(TCPEchoHandler(counters: counters, table: table))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return MSSObservingServer(channel: channel, observed: observed)
    }

    func maximumSegmentSizes() -> [Int] {
        observed.sizes.withLock { $0 }
    }

    func stop() async {
        try? await channel.close()
    }
}
