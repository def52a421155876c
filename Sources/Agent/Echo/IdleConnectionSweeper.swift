import NIOCore
import NIOPosix

/// Closes idle TCP echo connections with one periodic sweep per event loop.
///
/// NIO's `IdleStateHandler` keeps a timer per connection and cancels it on close, and a cancel
/// searches the loop's whole timer heap: with 20,000 connections and constant churn that would
/// cost more than the echoing. One sweep every quarter of the idle timeout (at most 5 s) checks
/// each connection's last activity instead, so a connection is closed between 1× and 1.25× the
/// idle timeout after it fell silent.
final class IdleConnectionSweeper: Sendable {
    private typealias Connections = [ObjectIdentifier: TCPEchoHandler]

    let idleTimeout: TimeAmount
    private let perLoop: [ObjectIdentifier: NIOLoopBoundBox<Connections?>]
    private let sweeps: [RepeatedTask]

    init(group: MultiThreadedEventLoopGroup, idleTimeout: TimeAmount) {
        self.idleTimeout = idleTimeout
        let interval = min(max(TimeAmount.nanoseconds(idleTimeout.nanoseconds / 4), .milliseconds(20)), .seconds(5))
        var perLoop: [ObjectIdentifier: NIOLoopBoundBox<Connections?>] = [:]
        var sweeps: [RepeatedTask] = []
        for loop in group.makeIterator() {
            let box = NIOLoopBoundBox.makeEmptyBox(valueType: Connections.self, eventLoop: loop)
            perLoop[ObjectIdentifier(loop)] = box
            sweeps.append(
                loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                    let cutoff = NIODeadline.now() - idleTimeout
                    // Collect first: closing a connection removes it from the dictionary.
                    let idle = box.withValue { ($0 ?? [:]).values.filter { $0.lastActivity < cutoff } }
                    for connection in idle { connection.closeForIdleness() }
                })
        }
        self.perLoop = perLoop
        self.sweeps = sweeps
    }

    /// Starts watching `connection`; call on its event loop.
    func watch(_ connection: TCPEchoHandler, on loop: any EventLoop) {
        // In place: copying the dictionary per connection would make accepting O(connections).
        perLoop[ObjectIdentifier(loop)]?.withValue { connections in
            connections = connections ?? [:]
            connections![ObjectIdentifier(connection)] = connection
        }
    }

    /// Stops watching `connection`; call on its event loop.
    func forget(_ connection: TCPEchoHandler, on loop: any EventLoop) {
        perLoop[ObjectIdentifier(loop)]?.withValue { _ = $0?.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    /// Stops the sweeps (at shutdown).
    func stop() {
        for sweep in sweeps { sweep.cancel() }
    }
}
