import FlowTestDataPlane
import Foundation
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
    /// Fireflies received on the firefly port; nil without one.
    let fireflies: FireflyCounter?
    /// The firefly port as bound (the kernel's pick for port 0); nil without one.
    let fireflyPort: Int?
    private let channels: [(transport: Transport, channel: any Channel)]
    /// UDP listeners that judge marks, outside NIO (`MarkedUDPEchoListener`).
    private let markedListeners: [MarkedUDPEchoListener]
    /// The listeners on the data plane's loops (all of them, unless FLOWTEST_ECHO_NIO asks for
    /// NIO's path); nil when there are none.
    private let plane: EchoDataPlane?
    private let connections: EchoConnectionTable
    private let gracePeriod: Duration
    private let readiness: ReadinessState
    private let logger: Logger

    private init(
        listeners: [EchoListenerCounters], fireflies: FireflyCounter?, fireflyPort: Int?, channels: [(Transport, any Channel)], markedListeners: [MarkedUDPEchoListener],
        plane: EchoDataPlane?,
        connections: EchoConnectionTable, gracePeriod: Duration, readiness: ReadinessState, logger: Logger
    ) {
        self.plane = plane
        self.listeners = listeners
        self.fireflies = fireflies
        self.fireflyPort = fireflyPort
        self.markedListeners = markedListeners
        self.channels = channels.map { (transport: $0.0, channel: $0.1) }
        self.connections = connections
        self.gracePeriod = gracePeriod
        self.readiness = readiness
        self.logger = logger
    }

    /// Binds all listeners of `configuration`; closes those already bound if one fails.
    static func bind(
        _ configuration: EchoConfiguration, connectionLimit: Int, readiness: ReadinessState,
        group: MultiThreadedEventLoopGroup, logger: Logger, flowLog: FlowRecorder? = nil
    ) async throws -> EchoService {
        let connections = EchoConnectionTable(
            group: group, limit: configuration.maxConnections ?? connectionLimit,
            idleTimeout: configuration.idleTimeout.map { TimeAmount($0) }, flowLog: flowLog, logger: logger)
        var listeners: [EchoListenerCounters] = []
        var channels: [(Transport, any Channel)] = []
        var markedListeners: [MarkedUDPEchoListener] = []
        let expectation = configuration.expectation
        let fireflies = configuration.fireflyPort.map { _ in FireflyCounter() }
        var fireflyPort = configuration.fireflyPort
        // The data plane serves every listener; in latency mode its loops poll after each event.
        // Marks are judged there from what the kernel keeps of each datagram and connection, and
        // the flow log's UDP flows are kept in a table per loop.
        // FLOWTEST_ECHO_NIO (any value) keeps every listener on NIO's path: the previous data plane,
        // for benchmarks that compare the two in one run (bench/echo.sh; latency mode then has no effect).
        let onPlane = ProcessInfo.processInfo.environment["FLOWTEST_ECHO_NIO"] == nil
        let loopCount = System.coreCount
        let plane = onPlane && !(configuration.tcpPorts.isEmpty && configuration.udpPorts.isEmpty)
            ? EchoDataPlane(
                loops: loopCount, connectionLimit: configuration.maxConnections ?? connectionLimit, idleTimeout: configuration.idleTimeout,
                observer: flowLog.map { EchoFlowLogObserver(log: $0) },
                datagramObserver: flowLog.map { EchoDatagramFlowLog(recorder: $0, loops: loopCount, listenAddress: configuration.bindAddress ?? "0.0.0.0") },
                spinNanoseconds: configuration.dedicatedThreads ? LatencyMode.spinNanoseconds : 0)
            : nil
        do {
            let hosts = bindableAddresses(configuration.bindAddress)
            for (transport, ports) in [(Transport.tcp, configuration.tcpPorts), (.udp, configuration.udpPorts)] {
                for (position, port) in ports.enumerated() {
                    let protocolPort = transport == .tcp ? configuration.tcpProtocolPorts?[position] ?? port : nil
                    let counters = EchoListenerCounters(transport: transport, judgesMarks: expectation != nil, protocolPort: protocolPort)
                    listeners.append(counters)
                    for (host, ipv6Only) in hosts {
                        // Port 0: the first socket's port, so both families answer on the same one.
                        let requested = counters.port == 0 ? port : counters.port
                        if let plane {
                            let (bound, shards) = try await describingFailure(transport, host, requested) {
                                guard let address = ListenAddress(host: host, port: requested) else {
                                    throw StartupError("cannot listen on \(transport.rawValue) port \(requested) at \(host): not a numeric IP address")
                                }
                                return try plane.bind(
                                    transport == .tcp ? .tcp : .udp, address, ipv6Only: ipv6Only, protocolPort: protocolPort,
                                    options: expectation.map { MarkJudgingInspector.options(ipv6: address.ipv6, expectation: $0) } ?? [],
                                    inspector: expectation.map { MarkJudgingInspector(expectation: $0, counters: counters) })
                            }
                            counters.attach(shards)
                            counters.bound(to: bound)
                            continue
                        }
                        // Off the data plane (FLOWTEST_ECHO_NIO) with marks: a thread of its own, to read
                        // marks NIO does not pass on.
                        if transport == .udp, expectation != nil {
                            let listener = try await describingFailure(transport, host, requested) {
                                try MarkedUDPEchoListener.start(
                                    host: host, ipv6Only: ipv6Only, port: requested, counters: counters,
                                    expectation: expectation ?? MarkExpectation())
                            }
                            counters.bound(to: listener.port)
                            markedListeners.append(listener)
                            continue
                        }
                        let channel = try await describingFailure(transport, host, requested) {
                            switch transport {
                            case .tcp:
                                try await EchoListenerFactory.tcp(
                                    host: host, ipv6Only: ipv6Only, port: requested, counters: counters,
                                    table: connections, group: group, expectation: expectation)
                            case .udp:
                                try await EchoListenerFactory.udp(
                                    host: host, ipv6Only: ipv6Only, port: requested, counters: counters, group: group, flowLog: flowLog)
                            }
                        }
                        counters.bound(to: channel.localAddress?.port ?? requested)
                        channels.append((transport, channel))
                    }
                }
            }
            if let fireflies, let port = configuration.fireflyPort {
                var bound = port
                for (host, ipv6Only) in hosts {
                    let channel = try await describingFailure(.udp, host, bound) {
                        try await EchoListenerFactory.fireflies(host: host, ipv6Only: ipv6Only, port: bound, counter: fireflies, group: group)
                    }
                    bound = channel.localAddress?.port ?? bound
                    channels.append((.udp, channel))
                }
                fireflyPort = bound
                logger.info("counting fireflies", metadata: ["protocol": "udp", "port": "\(bound)"])
            }
            try plane?.start()
        } catch {
            await plane?.stop()
            for (_, channel) in channels { try? await channel.close() }
            for listener in markedListeners { await listener.close() }
            connections.stop()
            throw error
        }
        for listener in listeners {
            logger.info("echo listening", metadata: ["protocol": "\(listener.transport.rawValue)", "port": "\(listener.port)"])
        }
        return EchoService(
            listeners: listeners, fireflies: fireflies, fireflyPort: fireflyPort, channels: channels, markedListeners: markedListeners,
            plane: plane, connections: connections,
            gracePeriod: configuration.gracePeriod,
            readiness: readiness, logger: logger)
    }

    /// Runs `bind`, turning a failure into a one-line `StartupError` naming protocol and port.
    private static func describingFailure<Result>(
        _ transport: Transport, _ host: String, _ port: Int, _ bind: () async throws -> Result
    ) async throws -> Result {
        do { return try await bind() } catch let error as IOError {
            let reason = String(cString: strerror(error.errnoCode))
            throw StartupError("cannot listen on \(transport.rawValue) port \(port) at \(host): \(reason)\(bindHint(errno: error.errnoCode, port: port))")
        } catch let error as SocketError {
            let reason = String(cString: strerror(error.errno))
            throw StartupError("cannot listen on \(transport.rawValue) port \(port) at \(host): \(reason)\(bindHint(errno: error.errno, port: port))")
        }
    }

    /// What to do about the two bind failures a traffic mix's well-known ports run into.
    private static func bindHint(errno: Int32, port: Int) -> String {
        switch errno {
        case EACCES where port > 0 && port < 1024:
            let start = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_unprivileged_port_start", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "1024"
            return "; ports below net.ipv4.ip_unprivileged_port_start (\(start) here) need root or CAP_NET_BIND_SERVICE: lower that sysctl to the lowest port listened on (the controller does so in echo pods), run as root, give the pattern other ports (spec.flows.mix[].ports), or let flowtest-agent run pick free ones with --any-ports"
        case EADDRINUSE:
            return "; another program listens there: give the pattern other ports (spec.flows.mix[].ports), or let flowtest-agent run pick free ones with --any-ports"
        default:
            return ""
        }
    }

    /// Where to listen: the requested address alone (`::` then takes IPv4 too, v4-mapped), or by
    /// default `0.0.0.0` plus `::` restricted to IPv6 when the host has IPv6.
    ///
    /// Two sockets rather than one dual-stack `::`: NIO keeps each connection's addresses as text,
    /// and a v4-mapped address ("::ffff:10.244.1.23") is too long for Swift's inline strings, so on
    /// a dual-stack socket every IPv4 connection cost two more heap strings, 145 bytes (malloc
    /// census in docs/benchmarks.md), and every UDP datagram one more allocation.
    private static func bindableAddresses(_ requested: String?) -> [(host: String, ipv6Only: Bool)] {
        // Several (local mode's dual stack: 127.0.0.1,::1): each alone, an IPv6 one IPv6 only.
        if let requested { return requested.split(separator: ",").map { (String($0), requested.contains(",")) } }
        // Probe with a throw-away socket: creating one fails at once where IPv6 is disabled.
        let probe = socket(AF_INET6, Int32(SOCK_DGRAM.rawValue), 0)
        guard probe >= 0 else { return [("0.0.0.0", false)] }
        close(probe)
        return [("0.0.0.0", false), ("::", true)]
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
        plane?.stopAccepting()
        logger.info("stopped accepting; waiting for open connections", metadata: ["open": "\(openConnections)", "grace": "\(gracePeriod)"])
        let deadline = ContinuousClock.now + gracePeriod
        while openConnections > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if openConnections > 0 { logger.info("grace period over; closing connections", metadata: ["open": "\(openConnections)"]) }
        await shutdownNow()
    }

    /// TCP connections open on either path.
    private var openConnections: Int {
        connections.count + (plane?.activeConnections ?? 0)
    }

    /// Closes every listener and connection at once, skipping the grace period.
    func shutdownNow() async {
        connections.stop()
        connections.closeAll()
        await plane?.stop()
        for (_, channel) in channels { try? await channel.close() }
        for listener in markedListeners { await listener.close() }
    }

    /// Fireflies received so far; nil without a firefly port.
    var firefliesReceived: UInt64? {
        fireflies?.received.load(ordering: .relaxed)
    }
}
