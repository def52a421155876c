import FlowTestShared
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small stand-in for kube-apiserver on loopback, for tests (no cluster runs here).
public final class FakeAPIServer: Sendable {
    public let store: FakeAPIStore
    private let channel: any Channel

    /// `http://127.0.0.1:<port>`.
    public var url: URL { URL(string: "http://127.0.0.1:\(channel.localAddress!.port!)")! }

    private init(store: FakeAPIStore, channel: any Channel) {
        self.store = store
        self.channel = channel
    }

    /// Starts on a free port; with `validTokens`, requests without one of them get 401.
    public static func start(validTokens: Set<String>? = nil) async throws -> FakeAPIServer {
        let store = FakeAPIStore(validTokens: validTokens)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(FakeAPIHandler(store: store))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeAPIServer(store: store, channel: channel)
    }

    /// A client configuration for this server.
    public func configuration(token: BearerToken = .none, namespace: String = "default") -> KubernetesConfiguration {
        KubernetesConfiguration(server: url, token: token, namespace: namespace)
    }

    public func stop() async {
        store.dropWatches()
        try? await channel.close()
    }
}
