import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// The HTTP endpoint for Prometheus and Kubernetes probes, on its own port.
///
/// It is bound by `bind(...)` before the service group starts, so a bad port is reported before any
/// traffic flows and tests can read the real port after binding port 0.
public final class TelemetryServer: Service, Sendable {
    private let channel: any Channel
    private let logger: Logger

    /// The port actually bound (useful after binding port 0).
    public var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel, logger: Logger) {
        self.channel = channel
        self.logger = logger
    }

    /// Binds the endpoint. `beforeScrape` runs before each `/metrics` response to fold fresh
    /// statistics into the registry; what it returns (Prometheus text) follows the registry's series.
    public static func bind(
        host: String,
        port: Int,
        registry: PrometheusCollectorRegistry,
        readiness: ReadinessState,
        beforeScrape: @escaping @Sendable () -> [UInt8] = { [] },
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) async throws -> TelemetryServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        TelemetryHTTPHandler(registry: registry, readiness: readiness, beforeScrape: beforeScrape))
                }
            }
            .bind(host: host, port: port)
            .get()
        logger.info("metrics and health endpoint listening", metadata: ["address": "\(channel.localAddress.map(String.init(describing:)) ?? "?")"])
        return TelemetryServer(channel: channel, logger: logger)
    }

    /// Serves until graceful shutdown or cancellation, then closes the listener.
    public func run() async throws {
        // The group shuts services down in reverse order and this one is listed first, so the
        // endpoint keeps answering probes and scrapes while the traffic services drain.
        await withTaskCancellationOrGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onCancelOrGracefulShutdown: { [channel] in
            channel.close(promise: nil)
        }
        await close()
    }

    /// Closes the listener; safe to call more than once.
    public func close() async {
        try? await channel.close()
    }
}
