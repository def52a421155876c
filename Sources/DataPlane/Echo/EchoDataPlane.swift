import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The echo's data plane: one epoll loop per core, each with its own SO_REUSEPORT socket on every
/// listening address, so the kernel spreads connections and datagrams over the loops and no loop
/// ever hands work to another (issue 26).
///
/// Sockets are bound first (`bind`, one address at a time, so a failure names its port before
/// anything runs), then `start` hands each loop its share and starts the threads.
public final class EchoDataPlane: Sendable {
    /// What one bound address gives each loop: its socket and its counters.
    private struct Bound {
        let kind: ReusePortGroup.Kind
        let port: Int
        let descriptors: [Int32]
        let protocolPort: Int?
        let inspector: (any EchoArrivalInspector)?
        let shards: [EchoCounterShard]
    }

    public let loopCount: Int
    private let spinNanoseconds: UInt64
    private let limits: EchoPlaneLimits
    private let bound = Mutex<[Bound]>([])
    private let running = Mutex<[(loop: EpollLoop, driver: EchoLoopDriver)]>([])
    /// Set once `start` has handed the sockets to loops: from then on only the loops close them.
    private let started = Atomic<Bool>(false)

    /// - Parameters:
    ///   - loops: event loops (threads), normally one per core.
    ///   - connectionLimit: open TCP connections over all loops; more are closed at once, counted as refused.
    ///   - idleTimeout: a connection without bytes for this long is closed; nil: never.
    ///   - observer: receives every TCP connection's summary as it ends (the flow log); nil: none is made.
    ///   - datagramObserver: sees every UDP datagram and echo (the flow log); nil: none.
    ///   - spinNanoseconds: latency mode: how long each loop polls after its last event before it
    ///     sleeps (`EpollLoop`); 0: it sleeps at once.
    public init(
        loops: Int, connectionLimit: Int, idleTimeout: Duration?, observer: (any EchoConnectionObserver)?,
        datagramObserver: (any EchoDatagramObserver)? = nil, spinNanoseconds: UInt64 = 0
    ) {
        loopCount = max(1, loops)
        self.spinNanoseconds = spinNanoseconds
        let idle = idleTimeout.map { UInt64($0.components.seconds) * 1_000_000_000 + UInt64($0.components.attoseconds / 1_000_000_000) }
        limits = EchoPlaneLimits(connectionLimit: connectionLimit, idleNanoseconds: idle, observer: observer, datagramObserver: datagramObserver)
    }

    /// Binds one socket per loop to `address`; returns the port bound (the kernel's pick for port
    /// 0) and the per-loop counters, whose sum is the listener's figures. `protocolPort`: the
    /// port whose protocol's server greets each TCP connection first (MySQL, SMTP, FTP), if any;
    /// `inspector` sees what arrives with each datagram and connection (with `options` set on
    /// the sockets to ask the kernel for it), if any.
    public func bind(
        _ kind: ReusePortGroup.Kind, _ address: ListenAddress, ipv6Only: Bool, protocolPort: Int? = nil,
        options: [SocketOptionValue] = [], inspector: (any EchoArrivalInspector)? = nil
    ) throws(SocketError) -> (port: Int, shards: [EchoCounterShard]) {
        var options = options
        if kind == .udp, limits.datagramObserver != nil {
            // The address each datagram was sent to (a wildcard socket has many): IP_PKTINFO, and
            // IPV6_RECVPKTINFO on an IPv6 socket (v4-mapped arrivals come with it too).
            options.append(address.ipv6 ? SocketOptionValue(level: 41, name: 49, value: 1) : SocketOptionValue(level: 0, name: 8, value: 1))
        }
        let (descriptors, port) = try ReusePortGroup.bind(kind, address, ipv6Only: ipv6Only, count: loopCount, options: options)
        let shards = (0..<loopCount).map { _ in EchoCounterShard() }
        bound.withLock { $0.append(Bound(kind: kind, port: port, descriptors: descriptors, protocolPort: protocolPort, inspector: inspector, shards: shards)) }
        return (port, shards)
    }

    /// Starts the loops over what is bound.
    public func start() throws(SocketError) {
        started.store(true, ordering: .relaxed)
        let sockets = bound.withLock { $0 }
        var loops: [(EpollLoop, EchoLoopDriver)] = []
        for index in 0..<loopCount {
            let listeners = sockets.filter { $0.kind == .tcp }.map { EchoLoopDriver.Listener(
                    descriptor: $0.descriptors[index], shard: $0.shards[index], protocolPort: $0.protocolPort, inspector: $0.inspector) }
            let datagrams = sockets.filter { $0.kind == .udp }.map { EchoLoopDriver.Datagrams(descriptor: $0.descriptors[index], port: $0.port, shard: $0.shards[index], inspector: $0.inspector) }
            let driver = EchoLoopDriver(index: index, listeners: listeners, datagrams: datagrams, limits: limits)
            do {
                loops.append((try EpollLoop(name: "flowtest-echo-\(index)", driver: driver, spinNanoseconds: spinNanoseconds), driver))
            } catch {
                // The loops that run close their own sockets when stopped; these never will.
                for socket in sockets { for descriptor in socket.descriptors[index...] { close(descriptor) } }
                running.withLock { $0 = loops }
                throw error
            }
        }
        running.withLock { $0 = loops }
    }

    /// Open TCP connections over all loops.
    public var activeConnections: Int { limits.active.load(ordering: .relaxed) }

    /// Closes the listening sockets: new connections are refused; open ones and UDP carry on.
    public func stopAccepting() {
        for (loop, driver) in running.withLock({ $0 }) { loop.execute { driver.stopAccepting() } }
    }

    /// Closes every open TCP connection now.
    public func closeConnections() {
        for (loop, driver) in running.withLock({ $0 }) { loop.execute { driver.closeAll() } }
    }

    /// Stops the loops (closing everything they hold); sockets bound but never started are closed
    /// too. Safe to call more than once, from several tasks: only the first call closes anything
    /// (a second closing a descriptor again could close another socket that reused its number).
    public func stop() async {
        let (loops, unstarted) = running.withLock { current -> ([(loop: EpollLoop, driver: EchoLoopDriver)], [Bound]) in
            defer { current.removeAll() }
            let unstarted = bound.withLock { sockets in
                defer { sockets.removeAll() }
                return current.isEmpty && !started.load(ordering: .relaxed) ? sockets : []
            }
            return (current, unstarted)
        }
        for socket in unstarted { for descriptor in socket.descriptors { close(descriptor) } }
        // Every loop stops accepting before any closes a connection: a client whose connection
        // closes must find no listener of this echo to reconnect to on another loop.
        for (loop, driver) in loops { await loop.executeAndWait { driver.stopAccepting() } }
        for (loop, _) in loops { await loop.stop() }
    }
}
