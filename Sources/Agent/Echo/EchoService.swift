import FlowTestShared
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// TCP and UDP echo listeners on the configured ports, with graceful shutdown.
///
/// `bind` opens every listener before the service group starts, so a port already in use is
/// reported at once and `/readyz` can turn ready when all are bound. On shutdown the TCP
/// listeners stop accepting, open connections get the grace period to finish, then the rest
/// (and the UDP listeners, which keep echoing during the grace period) are closed.
final class EchoService: Service, Sendable {
    let listeners: [EchoListenerCounters]
    private let channels: [(transport: Transport, channel: any Channel)]
    private let connections: EchoConnectionTable
    private let gracePeriod: Duration
    private let readiness: ReadinessState
    private let logger: Logger

    private init(
        listeners: [EchoListenerCounters], channels: [(Transport, any Channel)], connections: EchoConnectionTable,
        gracePeriod: Duration, readiness: ReadinessState, logger: Logger
    ) {
        self.listeners = listeners
        self.channels = channels.map { (transport: $0.0, channel: $0.1) }
        self.connections = connections
        self.gracePeriod = gracePeriod
        self.readiness = readiness
        self.logger = logger
    }

    /// Binds all listeners of `configuration`; closes those already bound if one fails.
    static func bind(
        _ configuration: EchoConfiguration, connectionLimit: Int, readiness: ReadinessState,
        group: MultiThreadedEventLoopGroup, logger: Logger
    ) async throws -> EchoService {
        let connections = EchoConnectionTable(
            group: group, limit: configuration.maxConnections ?? connectionLimit,
            idleTimeout: configuration.idleTimeout.map { TimeAmount($0) })
        var listeners: [EchoListenerCounters] = []
        var channels: [(Transport, any Channel)] = []
        do {
            let host = bindableAddress(configuration.bindAddress)
            for port in configuration.tcpPorts {
                let channel = try await describingFailure(.tcp, host, port) {
                    try await EchoListenerFactory.tcp(
                        host: host, port: port, table: connections, group: group)
                }
                listeners.append(channel.counters)
                channels.append((.tcp, channel.channel))
            }
            for port in configuration.udpPorts {
                let channel = try await describingFailure(.udp, host, port) {
                    try await EchoListenerFactory.udp(host: host, port: port, group: group)
                }
                listeners.append(channel.counters)
                channels.append((.udp, channel.channel))
            }
        } catch {
            for (_, channel) in channels { try? await channel.close() }
            connections.stop()
            throw error
        }
        for listener in listeners {
            logger.info("echo listening", metadata: ["protocol": "\(listener.transport.rawValue)", "port": "\(listener.port)"])
        }
        return EchoService(
            listeners: listeners, channels: channels, connections: connections,
            gracePeriod: configuration.gracePeriod,
            readiness: readiness, logger: logger)
    }

    /// Runs `bind`, turning a failure into a one-line `StartupError` naming protocol and port.
    private static func describingFailure<Result>(
        _ transport: Transport, _ host: String, _ port: Int, _ bind: () async throws -> Result
    ) async throws -> Result {
        do { return try await bind() } catch let error as IOError {
            throw StartupError("cannot listen on \(transport.rawValue) port \(port) at \(host): \(String(cString: strerror(error.errnoCode)))")
        }
    }

    /// `::` when the host has IPv6 (one dual-stack socket per port), else `0.0.0.0`.
    private static func bindableAddress(_ requested: String?) -> String {
        // Probe with a throw-away socket: creating one fails at once where IPv6 is disabled.
        if let requested { return requested }
        let probe = socket(AF_INET6, Int32(SOCK_DGRAM.rawValue), 0)
        guard probe >= 0 else { return "0.0.0.0" }
        close(probe)
        return "::"
    }

    /// The statistics of every listener now.
    func statistics() -> [EchoListenerStatistics] {
        listeners.map { $0.read() }
    }

    func run() async throws {
        // Serve until shutdown is requested; cancellation skips the grace period.
        do { try await gracefulShutdown() } catch {
            await shutdownNow()
            return
        }
        readiness.markNotReady("shutting down")
        for (transport, channel) in channels where transport == .tcp { try? await channel.close() }
        logger.info("stopped accepting; waiting for open connections", metadata: ["open": "\(connections.count)", "grace": "\(gracePeriod)"])
        let deadline = ContinuousClock.now + gracePeriod
        while connections.count > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if connections.count > 0 { logger.info("grace period over; closing connections", metadata: ["open": "\(connections.count)"]) }
        await shutdownNow()
    }

    /// Closes every listener and connection at once, skipping the grace period.
    func shutdownNow() async {
        connections.stop()
        connections.closeAll()
        for (_, channel) in channels { try? await channel.close() }
    }
}
