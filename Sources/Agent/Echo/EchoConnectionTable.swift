import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The open TCP echo connections of all listeners, kept per event loop: enforces the connection
/// cap, closes idle connections, and lets shutdown wait for, then close, whatever is still open.
///
/// Each connection's handler enters and leaves the table on its own event loop, so the table
/// needs no lock and no close callbacks; the earlier registry (a locked dictionary of channels,
/// plus two `closeFuture` callbacks per connection) cost every open connection about 250 bytes
/// (malloc census in docs/benchmarks.md).
///
/// Idle connections are closed by one periodic sweep per event loop. NIO's `IdleStateHandler`
/// keeps a timer per connection and cancels it on close, and a cancel searches the loop's whole
/// timer heap: with 20,000 connections and constant churn that would cost more than the echoing.
/// One sweep every quarter of the idle timeout (at most 5 s) checks each connection's last
/// activity instead, so a connection is closed between 1× and 1.25× the idle timeout after it
/// fell silent.
final class EchoConnectionTable: Sendable {
    private typealias Connections = [ObjectIdentifier: TCPEchoHandler]

    /// Most connections open at once.
    let limit: Int
    /// Set when connections are closed for idleness; handlers then note when bytes last arrived.
    let idleTimeout: TimeAmount?
    /// Where connections record themselves when they close; nil without a flow log.
    let flowLog: FlowRecorder?
    /// Where a connection says why it was closed for its peer's bytes; nil logs nothing.
    let logger: Logger?
    private let open = Atomic<Int>(0)
    private let perLoop: [ObjectIdentifier: NIOLoopBoundBox<Connections>]
    private let sweeps: [RepeatedTask]

    init(group: MultiThreadedEventLoopGroup, limit: Int, idleTimeout: TimeAmount?, flowLog: FlowRecorder? = nil, logger: Logger? = nil) {
        self.logger = logger
        self.limit = limit
        self.idleTimeout = idleTimeout
        self.flowLog = flowLog
        var perLoop: [ObjectIdentifier: NIOLoopBoundBox<Connections>] = [:]
        var sweeps: [RepeatedTask] = []
        for loop in group.makeIterator() {
            let box = NIOLoopBoundBox.makeBoxSendingValue(Connections(), eventLoop: loop)
            perLoop[ObjectIdentifier(loop)] = box
            guard let idleTimeout else { continue }
            let interval = min(max(TimeAmount.nanoseconds(idleTimeout.nanoseconds / 4), .milliseconds(20)), .seconds(5))
            sweeps.append(
                loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                    let cutoff = NIODeadline.now() - idleTimeout
                    // Collect first: closing a connection removes it from the dictionary.
                    let idle = box.value.values.filter { $0.lastActivity < cutoff }
                    for connection in idle { connection.closeForIdleness() }
                })
        }
        self.perLoop = perLoop
        self.sweeps = sweeps
    }

    /// Connections open now.
    var count: Int { open.load(ordering: .relaxed) }

    /// Enters `connection` unless the cap is reached; call on its event loop.
    func admit(_ connection: TCPEchoHandler, on loop: any EventLoop) -> Bool {
        guard open.wrappingAdd(1, ordering: .relaxed).newValue <= limit else {
            open.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        // In place: copying the dictionary per connection would make accepting O(connections).
        perLoop[ObjectIdentifier(loop)]?.value[ObjectIdentifier(connection)] = connection
        return true
    }

    /// Removes an admitted `connection` once it has closed; call on its event loop.
    func remove(_ connection: TCPEchoHandler, on loop: any EventLoop) {
        perLoop[ObjectIdentifier(loop)]?.value.removeValue(forKey: ObjectIdentifier(connection))
        open.wrappingSubtract(1, ordering: .relaxed)
    }

    /// Closes every connection still open, on each one's event loop.
    func closeAll() {
        for box in perLoop.values {
            box.eventLoop.execute {
                for connection in Array(box.value.values) { connection.close() }
            }
        }
    }

    /// Stops the idle sweeps (at shutdown).
    func stop() {
        for sweep in sweeps { sweep.cancel() }
    }
}
