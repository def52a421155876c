import NIOCore
import NIOPosix

/// A port that was free a moment ago, for child processes that must be told a port up front.
enum FreePort {
    static func tcp() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close()
        return port
    }
}
