import CDataPlane

#if canImport(Glibc)
import Glibc
#endif

/// One loop's share of the echo: its own SO_REUSEPORT socket for every listener, the connections
/// the kernel handed to those sockets, and a per-loop read buffer. Everything here is touched only
/// on the loop's thread (hence `@unchecked Sendable`: the loop is reached from outside only
/// through `EpollLoop.execute`).
final class EchoLoopDriver: LoopDriver, @unchecked Sendable {
    struct Listener {
        var descriptor: Int32
        let shard: EchoCounterShard
        /// The port whose protocol's server speaks first (MySQL, SMTP, FTP greet); nil: none.
        let protocolPort: Int?
        let inspector: (any EchoArrivalInspector)?
    }

    struct Datagrams {
        let descriptor: Int32
        let port: Int
        let shard: EchoCounterShard
        let inspector: (any EchoArrivalInspector)?
    }

    /// Token kinds, in the top byte; the rest is a listener's index or a connection's descriptor.
    enum Kind: UInt64 {
        case listener = 1, datagrams, connection
    }

    static func token(_ kind: Kind, _ value: Int) -> UInt64 { kind.rawValue << 56 | UInt64(value) }

    /// Reads per readiness before the connection waits its turn (edge-triggered: it is put on
    /// the deferred list, never forgotten).
    static let readBudget = 16
    static let acceptBudget = 64

    /// The loop's place among the plane's loops (observers keep a table per loop).
    let index: Int
    var listeners: [Listener]
    let datagrams: [Datagrams]
    let limits: EchoPlaneLimits
    unowned(unsafe) var loop: EpollLoop!
    /// Connections by descriptor.
    var connections: [TCPEchoConnection?] = []
    /// Descriptors of the live connections, for the idle sweep and the end.
    var live: [Int32] = []
    var deferredReads: [Int32] = []
    var deferredAccepts: [Int] = []
    var deferredDatagrams: [Int] = []
    /// Listeners that ran out of descriptors: accepting is retried at the next tick.
    var acceptRetry: [Int] = []
    /// The loop's clock as of the batch being worked on.
    var clock = EpollLoop.now()
    /// What a stream's read takes at once, echoed by one send. 256 KiB, not 64: a bulk flow then
    /// moves in a quarter of the system calls, and one flow both ways went from 0.7 to about 1.0
    /// of NIO's echo (which gathers four 64 KiB reads per writev); 1 MiB measured no better.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 262_144, alignment: 16)
    /// Where protocol responses are built, reused by every connection of the loop.
    var scratch: [UInt8] = []
    /// Made on the first datagram: a loop with no UDP socket reserves nothing.
    private var batchStorage: DatagramBatch?
    var batch: DatagramBatch {
        if let batchStorage { return batchStorage }
        let made = DatagramBatch()
        batchStorage = made
        return made
    }

    init(index: Int, listeners: [Listener], datagrams: [Datagrams], limits: EchoPlaneLimits) {
        (self.index, self.listeners, self.datagrams, self.limits) = (index, listeners, datagrams, limits)
    }

    deinit {
        readBuffer.deallocate()
        batchStorage?.deallocate()
    }

    func started(on loop: EpollLoop) {
        self.loop = loop
        for (index, listener) in listeners.enumerated() {
            _ = loop.register(listener.descriptor, token: Self.token(.listener, index), flags: cdp_epollin)
        }
        for (index, socket) in datagrams.enumerated() {
            _ = loop.register(socket.descriptor, token: Self.token(.datagrams, index), flags: cdp_epollin)
        }
    }

    func batchStarted(nowNanoseconds now: UInt64) {
        clock = now
    }

    func ready(_ token: UInt64, flags: UInt32) {
        let value = Int(token & 0x00FF_FFFF_FFFF_FFFF)
        switch Kind(rawValue: token >> 56) {
        case .connection:
            if flags & cdp_epollout != 0 { writable(Int32(value)) }
            if flags & (cdp_epollrdhup | cdp_epollhup | cdp_epollerr) != 0, value < connections.count, connections[value] != nil {
                connections[value]!.peerClosing = true
            }
            if flags & (cdp_epollin | cdp_epollrdhup | cdp_epollhup | cdp_epollerr) != 0 { readable(Int32(value)) }
        case .listener: accept(value)
        case .datagrams: receive(value)
        case nil: break
        }
    }

    func continueDeferred() -> Bool {
        if !deferredReads.isEmpty {
            let reads = deferredReads
            deferredReads.removeAll(keepingCapacity: true)
            for descriptor in reads { readable(descriptor) }
        }
        if !deferredAccepts.isEmpty {
            let accepts = deferredAccepts
            deferredAccepts.removeAll(keepingCapacity: true)
            for index in accepts { accept(index) }
        }
        if !deferredDatagrams.isEmpty {
            let sockets = deferredDatagrams
            deferredDatagrams.removeAll(keepingCapacity: true)
            for index in sockets { receive(index) }
        }
        return !(deferredReads.isEmpty && deferredAccepts.isEmpty && deferredDatagrams.isEmpty)
    }

    func tick(nowNanoseconds now: UInt64) {
        limits.datagramObserver?.tick(loop: index, nowNanoseconds: now)
        if !acceptRetry.isEmpty {
            let retry = acceptRetry
            acceptRetry.removeAll()
            for index in retry { accept(index) }
        }
        guard let idle = limits.idleNanoseconds else { return }
        // Backwards: closing moves the last live connection into the closed one's place.
        var position = live.count - 1
        while position >= 0 {
            let descriptor = live[position]
            if let connection = connections[Int(descriptor)], now &- connection.lastActivity > idle {
                listeners[connection.listener].shard.connectionsTimedOut.bump()
                close(descriptor, failure: .timeout)
            }
            position = min(position - 1, live.count - 1)
        }
    }

    func stopped() {
        // Listeners first: a client whose connection closes must find nothing to reconnect to
        // (it would be accepted and closed again, a second outage where there is one).
        stopAccepting()
        closeAll()
        for socket in datagrams { Glibc.close(socket.descriptor) }
        limits.datagramObserver?.ended(loop: index)
    }

    /// Closes the listening sockets: new connections are refused, open ones carry on.
    func stopAccepting() {
        for index in listeners.indices where listeners[index].descriptor >= 0 {
            Glibc.close(listeners[index].descriptor)
            listeners[index].descriptor = -1
        }
    }

    /// Closes every open connection now.
    func closeAll() {
        while let descriptor = live.last { close(descriptor, failure: nil) }
    }
}
