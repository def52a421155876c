import FlowTestShared
import Foundation
import Logging
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle

/// What both roles set up the same way: logging, the descriptor limit, metrics and probes.
struct AgentRuntime: Sendable {
    let logger: Logger
    let registry: PrometheusCollectorRegistry
    let readiness: ReadinessState
    let descriptorLimit: Int

    /// Bootstraps logging (once per process) and raises the descriptor limit. Log lines go
    /// through `StandardStream.error`: a stderr that nobody reads never blocks a task.
    static func start(role: String, settings: CommonSettings) -> AgentRuntime {
        LoggingSetup.bootstrap(format: settings.logFormat, level: settings.logLevel, stream: .error)
        var logger = Logger(label: "flowtest.agent")
        logger[metadataKey: "role"] = "\(role)"
        let limit = FileDescriptorLimit.raiseToHardLimit()
        logger.debug("descriptor limit", metadata: ["nofile": "\(limit)"])
        return AgentRuntime(logger: logger, registry: PrometheusCollectorRegistry(), readiness: ReadinessState(), descriptorLimit: limit)
    }

    /// The metrics and health endpoint's own thread: with the traffic's event loops saturated, a
    /// probe or scrape must still be answered (a busy generator is not a dead one).
    static let telemetryGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// Binds the metrics and health endpoint, or fails with a line naming the port.
    /// `beforeScrape` as in `TelemetryServer.bind`.
    func bindTelemetry(_ settings: CommonSettings, beforeScrape: @escaping @Sendable () -> [UInt8]) async throws -> TelemetryServer {
        do {
            return try await TelemetryServer.bind(
                host: settings.metricsAddress, port: settings.metricsPort, registry: registry, readiness: readiness,
                beforeScrape: beforeScrape, group: Self.telemetryGroup, logger: logger)
        } catch let error as IOError {
            throw StartupError(
                "cannot serve metrics on \(settings.metricsAddress) port \(settings.metricsPort): \(String(cString: strerror(error.errnoCode)))")
        } catch {
            throw StartupError("cannot serve metrics on \(settings.metricsAddress) port \(settings.metricsPort): \(error)")
        }
    }

    /// Runs `services` until they finish or SIGTERM/SIGINT, shutting down in reverse order; the
    /// agent is ready while they run.
    func run(_ services: [ServiceGroupConfiguration.ServiceConfiguration]) async throws {
        var configuration = ServiceGroupConfiguration(services: [.init(service: ReadinessService(readiness: readiness))] + services, logger: logger)
        configuration.gracefulShutdownSignals = [.sigterm, .sigint]
        // Tells a final report sent because the work was done from one sent because the pod is
        // being terminated (`StatusReporter`).
        TerminationSignal.shared.start()
        try await ServiceGroup(configuration: configuration).run()
    }
}
